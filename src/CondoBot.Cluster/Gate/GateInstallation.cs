using System.Globalization;
using System.Text;
using CondoBot.Core.Clusters;
using CondoBot.Core.Identity;

namespace CondoBot.Cluster.Gate;

/// <summary>
/// The line a person pastes once. With a user-owned gate it is <c>echo '...' | base64 -d | gunzip | sh -s 'ENTRY'</c>:
/// the packed part is a short installer carrying the gate, which writes the gate to <c>~/.condobot/NAME.gate</c> and
/// adds ENTRY (shown in clear) to <c>authorized_keys</c>, replacing an earlier line of the same key. With a site-wide
/// gate it only appends ENTRY. Either line means the same in sh, bash, csh, tcsh and fish: single quotes, pipes and
/// <c>&amp;&amp;</c> only, and nothing inside the quotes that any of them would expand.
/// </summary>
public sealed class GateInstallation(ClusterCatalog clusters) : IKeyInstallation
{
    public string Entry(UserLink link, ClusterProfile cluster)
    {
        var options = new StringBuilder("restrict");
        options.Append(CultureInfo.InvariantCulture, $",command=\"{GateProgram.ForcedCommand(cluster, clusters.All, link.PublicKey)}\"");
        if (cluster.BotAddress.Length > 0) options.Append(CultureInfo.InvariantCulture, $",from=\"{cluster.BotAddress}\"");
        if (((IKeyInstallation)this).ExpiresAt(link, cluster) is { } expires)
        {
            options.Append(CultureInfo.InvariantCulture, $",expiry-time=\"{expires.UtcDateTime:yyyyMMddHHmm}Z\"");
        }

        return $"{options} {link.PublicKey}";
    }

    public string Command(UserLink link, ClusterProfile cluster)
    {
        var entry = Entry(link, cluster);
        if (GateProgram.IsSiteWide(cluster))
        {
            return "mkdir -p ~/.ssh && chmod 700 ~/.ssh && echo '" + entry + "' >> ~/.ssh/authorized_keys && chmod 600 ~/.ssh/authorized_keys";
        }

        return "echo '" + GateProgram.Packed(Installer(clusters.All)) + "' | base64 -d | gunzip | sh -s '" + entry + "'";
    }

    /// <summary>
    /// The installer the packed part decodes to; it takes the entry as its one argument. Under a lock (the gate's
    /// revoke takes the same one) it writes the gate, replaces or adds the entry, and removes this cluster's gate
    /// files that no line runs any more.
    /// </summary>
    internal static string Installer(IReadOnlyList<ClusterProfile> all)
    {
        var gate = GateProgram.Render(all);
        var served = string.Join(", ", GateProgram.UserGateClusters(all).Select(c => c.Name));
        if (gate.Contains("\nCONDOBOT_GATE_END\n", StringComparison.Ordinal)) throw new InvalidOperationException("The gate contains the installer's end marker.");
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $$"""
            # CondoBot: installs the gate for clusters {{served}} and authorizes one key to run only it.
            umask 077
            cd "$HOME" || exit 1
            entry=$1
            case $entry in
              'restrict,command="/bin/sh '*' ssh-ed25519 '*) ;;
              *) echo 'CondoBot: that is not a CondoBot key line; nothing was changed.' >&2; exit 1 ;;
            esac
            gate="{{GateProgram.PathOn(GateProgram.UserGateClusters(all)[0], all)}}"
            mkdir -p .condobot .ssh || exit 1
            keys=.ssh/authorized_keys
            lock=.ssh/authorized_keys.condobot-lock
            i=0
            until mkdir "$lock" 2>/dev/null; do
              i=$((i + 1))
              [ "$i" -lt 50 ] || { echo "CondoBot: $lock is held; try again." >&2; exit 1; }
              sleep 0.2
            done
            trap 'rmdir "$lock" 2>/dev/null' EXIT
            tmp=$(mktemp .condobot/gate.XXXXXX) || exit 1
            cat > "$tmp" <<'CONDOBOT_GATE_END'

            """);
        s.Append(gate);
        s.Append(CultureInfo.InvariantCulture, $$"""
            CONDOBOT_GATE_END
            chmod 700 "$tmp" && mv -f "$tmp" "$gate" || { rm -f "$tmp"; exit 1; }
            touch "$keys" || exit 1
            blob=$(printf '%s\n' "$entry" | sed -n 's/.* ssh-ed25519 \([A-Za-z0-9+/=]*\) .*/\1/p')
            if [ -n "$blob" ] && grep -q -F " ssh-ed25519 $blob " "$keys"; then
              grep -v -F " ssh-ed25519 $blob " "$keys" > "$keys.condobot.$$"
              printf '%s\n' "$entry" >> "$keys.condobot.$$" && mv -f "$keys.condobot.$$" "$keys" || exit 1
            else
              if [ -s "$keys" ] && [ -n "$(tail -c 1 "$keys")" ]; then echo >> "$keys"; fi
              printf '%s\n' "$entry" >> "$keys" || exit 1
            fi
            chmod 600 "$keys"
            # Gate files that no key runs any more (an update replaced them) go.
            for old in .condobot/{{GateProgram.FilePrefix}}*.gate; do
              [ -e "$old" ] || continue
              grep -q -F "/$old " "$keys" || rm -f "$old"
            done
            echo "CondoBot: key authorized for $(id -un); it can run only $gate."

            """);
        return s.ToString();
    }
}
