using System.Net.WebSockets;
using CondoBot.Slack.WebApi;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CondoBot.Slack.SocketMode;

/// <summary>
/// Keeps one Socket Mode connection open for sites where Slack cannot reach the bot over HTTPS: asks
/// <c>apps.connections.open</c> for an address, connects, and serves envelopes until Slack says <c>disconnect</c>
/// (it recycles connections routinely) or the socket dies, then connects again. A routine refresh reconnects at once;
/// a dead socket, a failed open and <c>too_many_websockets</c> (the app already holds Slack's limit of connections)
/// back off, and a rate-limited open waits at least the <c>Retry-After</c> Slack gave. <c>link_disabled</c> means the
/// app's Socket Mode was switched off: reconnecting cannot help, so the service stops trying.
/// </summary>
internal sealed partial class SocketModeService(
    SlackApi api,
    SocketEnvelopes envelopes,
    TimeProvider time,
    ILogger<SocketModeService> logger) : BackgroundService
{
    /// <summary>The bot pings this often; a socket whose pong does not come back as fast is dead, even if TCP has not noticed.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var since = time.GetUtcNow();
            var (end, retryAfter) = await ConnectOnceAsync(stoppingToken);
            if (end == SocketEnd.LinkDisabled)
            {
                LogLinkDisabled();
                return;
            }

            // A connection that served for a while before it ended was a success: the back-off starts afresh.
            var lasted = time.GetUtcNow() - since > TimeSpan.FromMinutes(1);
            failures = end == SocketEnd.Refresh ? 0 : lasted ? 1 : failures + 1;
            if (end == SocketEnd.Refresh) continue;

            var wait = Backoff(failures);
            if (retryAfter > wait) wait = retryAfter.Value;
            LogWaiting(end, wait);
            await Task.Delay(wait, time, stoppingToken);
        }
    }

    private async Task<(SocketEnd End, TimeSpan? RetryAfter)> ConnectOnceAsync(CancellationToken stoppingToken)
    {
        var opened = await api.OpenConnectionAsync(stoppingToken);
        if (opened.Outcome == SlackOutcome.RateLimited)
        {
            LogOpenFailed(opened.Error ?? "ratelimited");
            return (SocketEnd.Dead, opened.RetryAfter);
        }

        if (!opened.Ok || !Uri.TryCreate(opened.Body.Text("url"), UriKind.Absolute, out var url))
        {
            LogOpenFailed(opened.Error ?? "no url");
            return (SocketEnd.Dead, null);
        }

        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = KeepAlive;
        socket.Options.KeepAliveTimeout = KeepAlive;
        try
        {
            await socket.ConnectAsync(url, stoppingToken);
            using var channel = new SocketChannel(socket);
            var end = await envelopes.ServeAsync(channel, stoppingToken);
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "reconnecting", stoppingToken);
            }

            LogEnded(end);
            return (end, null);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Whatever broke this connection, the next one starts clean; the service itself must keep running.
            LogDropped(ex.GetType().Name, ex.Message);
            return (SocketEnd.Dead, null);
        }
    }

    /// <summary>
    /// 1 s, 2 s, 4 s ... capped at a minute, so an outage is not hammered, plus up to a quarter more at random so that
    /// replicas turned away together do not all come back in the same instant.
    /// </summary>
    private static TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(60, Math.Pow(2, Math.Clamp(failures - 1, 0, 6)));
        return TimeSpan.FromSeconds(seconds * (1 + Random.Shared.NextDouble() / 4));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket Mode: apps.connections.open failed ({Error})")]
    private partial void LogOpenFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket Mode connection ended ({End})")]
    private partial void LogEnded(SocketEnd end);

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket Mode: connecting again in {Wait} ({End})")]
    private partial void LogWaiting(SocketEnd end, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket Mode connection dropped: {Kind} {Reason}")]
    private partial void LogDropped(string kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Socket Mode is disabled for this app (link_disabled); not reconnecting. Turn Socket Mode on, or unset Slack__AppToken, and restart.")]
    private partial void LogLinkDisabled();
}

/// <summary>Why a connection ended, which decides what happens next.</summary>
internal enum SocketEnd
{
    /// <summary>Slack asked for a new connection (<c>refresh_requested</c>, <c>warning</c>): reconnect at once.</summary>
    Refresh,
    /// <summary>The socket closed or failed, or no address could be had: reconnect with back-off.</summary>
    Dead,
    /// <summary><c>too_many_websockets</c>: the app holds all the connections Slack allows; reconnect with back-off.</summary>
    TooMany,
    /// <summary>Socket Mode was turned off for the app: stop.</summary>
    LinkDisabled,
}
