using System.Diagnostics;
using System.Net.Sockets;
using CondoBot.Testing;

namespace CondoBot.Teams.Tests.Fakes;

/// <summary>A tunnel command run exactly as the bot printed it, with the person's own ssh identity.</summary>
public static class PrintedTunnel
{
    public static Process Run(string printed, UserKey person)
    {
        var words = printed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(words[0]) { RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var option in person.IdentityOptions) start.ArgumentList.Add(option);
        foreach (var word in words[1..]) start.ArgumentList.Add(word);
        return Process.Start(start)!;
    }

    public static async Task WaitForPortAsync(int port, Process tunnel)
    {
        for (var i = 0; i < 100; i++)
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
}
