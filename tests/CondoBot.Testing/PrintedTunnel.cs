using System.Diagnostics;
using System.Net.Sockets;

namespace CondoBot.Testing;

/// <summary>Runs a tunnel command exactly as the bot printed it, with the person's own key, and waits for its port.</summary>
public static class PrintedTunnel
{
    /// <summary>
    /// With the person's ~/.ssh/config (<c>-F</c>): ssh hands it to each <c>-J</c> hop, where options given with
    /// <c>-i</c> or <c>-o</c> would not reach.
    /// </summary>
    public static Process Run(string printed, UserKey person)
    {
        var words = printed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(words[0]) { RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-F");
        start.ArgumentList.Add(person.ConfigFile);
        foreach (var word in words[1..]) start.ArgumentList.Add(word);
        return Process.Start(start)!;
    }

    /// <summary>
    /// Runs a command exactly as printed, with only the person's own ssh configuration added: their ~/.ssh/config
    /// (<c>-F</c>: identity, known hosts) and their ssh-agent. <paramref name="typed"/>, when given, is typed into the
    /// session it opens, as a person types at the prompt of the host they logged in to.
    /// </summary>
    public static Process RunAsPrinted(string printed, UserKey person, string? typed = null)
    {
        var words = printed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words[0] != "ssh") throw new ArgumentException("not an ssh command: " + printed, nameof(printed));
        var start = new ProcessStartInfo(words[0]) { RedirectStandardError = true, RedirectStandardInput = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-F");
        start.ArgumentList.Add(person.ConfigFile);
        foreach (var word in words[1..]) start.ArgumentList.Add(word);
        start.Environment["SSH_AUTH_SOCK"] = person.AgentSocket;
        var process = Process.Start(start)!;
        if (typed is not null)
        {
            process.StandardInput.WriteLine(typed);
            process.StandardInput.Flush();
        }

        return process;
    }

    public static async Task WaitForPortAsync(int port, Process tunnel)
    {
        for (var i = 0; i < 150; i++)
        {
            if (tunnel.HasExited) throw new InvalidOperationException("the tunnel exited: " + await tunnel.StandardError.ReadToEndAsync());
            if (await AnswersAsync(port)) return;
            await Task.Delay(100);
        }

        throw new TimeoutException($"the tunnel did not open port {port}");
    }

    public static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port < 1024 ? FreePort() : port;
    }
}
