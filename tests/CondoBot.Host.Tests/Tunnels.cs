using System.Diagnostics;
using System.Net.Sockets;
using CondoBot.Testing;

namespace CondoBot.Host.Tests;

/// <summary>Runs the tunnel command the bot printed, as the person would, and waits for its local port.</summary>
internal static class Tunnels
{
    /// <summary>Runs the printed command with the person's own identity options, as their ~/.ssh would supply them.</summary>
    public static Process Open(string printed, UserKey person)
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


    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port < 1024 ? FreePort() : port;
    }
}
