using CondoBot.Testing;

namespace CondoBot.Host.Tests.Ends;

[CollectionDefinition(nameof(KeepCollection))]
public sealed class KeepCollection;

/// <summary>The idle question answered with Keep, on a real JupyterLab on the local cluster, through the console's words.</summary>
[Collection(nameof(KeepCollection))]
public sealed class KeepEndToEndTests
{
    private const string Login = "condouser";

    [Fact]
    public async Task Keep_PostponesTheStop_AndTheQuestionComesAgainOnlyAfterTheKeptTime()
    {
        using var rig = await EndRig.StartAsync(Login, TimeSpan.FromSeconds(30), new Dictionary<string, string> { ["Sessions__IdleGrace"] = "00:00:20" });
        var ready = await rig.StartSessionAsync($"start -A birthright -p {PrintedTunnel.FreePort()} -t 0:10:00 --idle 45s");
        var job = ready.Groups["job"].Value;
        var question = $@"JupyterLab on {rig.Cluster.Node} has been idle for [^\n]+";

        var first = await rig.Bot.WaitForAsync(question, TimeSpan.FromSeconds(120), ready.Index);
        rig.Bot.Type($"keep {job} 90s");
        var keptAt = DateTimeOffset.UtcNow;

        // Unanswered, it would have been stopped 20 s after the question; kept, the next thing said of it is the question
        // again, and not before the 90 s are up.
        var again = await rig.Bot.WaitForAsync(question, TimeSpan.FromSeconds(180), first.Index + first.Length);
        var askedAgainAt = DateTimeOffset.UtcNow;
        Assert.True(askedAgainAt - keptAt >= TimeSpan.FromSeconds(89), $"asked again {(askedAgainAt - keptAt).TotalSeconds:F0} s after keep {job} 90s");
        Assert.DoesNotMatch($@"Job {job} has ended", rig.Bot.Stdout[first.Index..again.Index]);

        rig.Bot.Type($"stop {job}");
        await rig.EndedAsync(job, TimeSpan.FromSeconds(60), again.Index);
    }
}
