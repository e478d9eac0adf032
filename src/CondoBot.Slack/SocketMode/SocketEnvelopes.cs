using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using CondoBot.Slack.Inbound;
using CondoBot.Slack.Messages;
using CondoBot.Slack.Notifying;
using Microsoft.Extensions.Logging;

namespace CondoBot.Slack.SocketMode;

/// <summary>
/// Serves one Socket Mode connection as Slack's own clients do: the read loop only reads, and each envelope is handled
/// on its own, so in a burst no envelope's work eats into the 3 seconds of the ones behind it. A click or an event is
/// acknowledged at once and then handled like one over HTTP. A slash command's ack carries its ephemeral reply when the
/// reply is ready within <see cref="ReplyBudget"/>; otherwise the ack goes without it and the reply follows by
/// <c>chat.postEphemeral</c>. The socket is authenticated by the app token, so there is no request signature here.
/// </summary>
internal sealed partial class SocketEnvelopes(
    SlashCommandHandler commands,
    ButtonClickHandler clicks,
    FormSubmissions forms,
    SlackEvents events,
    EphemeralReplies replies,
    TimeProvider time,
    ILogger<SocketEnvelopes> logger)
{
    /// <summary>Envelopes of one connection doing their work at the same time; the others wait, already acknowledged or timed.</summary>
    internal const int MaxConcurrentWork = 16;

    /// <summary>How long a slash command's ack waits for its reply: well inside Slack's 3 s, however busy the bot is.</summary>
    internal static readonly TimeSpan ReplyBudget = TimeSpan.FromSeconds(1.5);

    public async Task<SocketEnd> ServeAsync(SocketChannel socket, CancellationToken cancellationToken)
    {
        using var inFlight = new InFlight(MaxConcurrentWork);
        try
        {
            while (await socket.ReceiveAsync(cancellationToken) is { } frame)
            {
                JsonElement message;
                try
                {
                    using var document = JsonDocument.Parse(frame);
                    message = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    LogUnreadable();
                    continue;
                }

                switch (message.Text("type"))
                {
                    case "hello":
                        LogConnected();
                        break;
                    case "disconnect":
                        var reason = message.Text("reason") ?? "";
                        LogDisconnect(reason);
                        return reason switch
                        {
                            "link_disabled" => SocketEnd.LinkDisabled,
                            "too_many_websockets" => SocketEnd.TooMany,
                            _ => SocketEnd.Refresh,
                        };
                    default:
                        if (message.Text("envelope_id") is { } envelopeId)
                        {
                            inFlight.Start(() => ServeEnvelopeAsync(socket, inFlight, envelopeId, message, cancellationToken));
                        }

                        break;
                }
            }

            return SocketEnd.Dead;
        }
        finally
        {
            // Acks still on their way leave on this socket if it is open; the work itself runs to its end regardless.
            await inFlight.DrainAsync(ReplyBudget + TimeSpan.FromSeconds(1), time);
        }
    }

    private async Task ServeEnvelopeAsync(SocketChannel socket, InFlight inFlight, string envelopeId, JsonElement envelope, CancellationToken cancellationToken)
    {
        try
        {
            await HandleAsync(socket, inFlight, envelopeId, envelope, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection went away under this envelope; Slack redelivers what was not acknowledged.
            LogAckLost(envelope.Text("type"));
        }
        catch (Exception ex)
        {
            // One request that fails (a bug, a locked database) must not take the connection down for everyone; over
            // HTTP it would have been a 500. Slack shows the person that the command failed if no ack arrives.
            LogEnvelopeFailed(envelope.Text("type"), ex);
        }
    }

    private async Task HandleAsync(SocketChannel socket, InFlight inFlight, string envelopeId, JsonElement envelope, CancellationToken cancellationToken)
    {
        var payload = envelope.Child("payload");
        var ack = new JsonObject { ["envelope_id"] = envelopeId };
        switch (envelope.Text("type"))
        {
            case "slash_commands" when SlashCommand.FromJson(payload) is { } command:
                var retry = envelope.TryGetProperty("retry_attempt", out var attempt) && attempt.ValueKind == JsonValueKind.Number ? attempt.ToString() : null;
                var reply = inFlight.RunAsync(() => commands.HandleAsync(command, retry, cancellationToken), cancellationToken);
                if (await Task.WhenAny(reply, Task.Delay(ReplyBudget, time, cancellationToken)) == reply)
                {
                    ack["payload"] = (await reply).Ephemeral();
                    await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                    break;
                }

                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                LogReplyLate();
                var late = await reply;
                if (payload.Text("channel_id") is { } channel) replies.Post(channel, command.UserId, late);
                break;
            case "interactive" when ViewSubmission.FromPayload(payload) is { } submission:
                // A form's answer (field errors, or the view to show next) can only ride on its ack.
                if (await inFlight.RunAsync(() => forms.SubmitAsync(submission, cancellationToken), cancellationToken) is { } response) ack["payload"] = response;
                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                break;
            case "interactive" when ButtonClick.FromPayload(payload) is { } click:
                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                await inFlight.RunAsync(() => clicks.HandleAsync(click, CancellationToken.None), cancellationToken);
                break;
            case "events_api":
                await events.HandleAsync(payload, cancellationToken);
                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                break;
            default:
                // Events and interactions the bot does not use are acknowledged so Slack does not redeliver them.
                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Socket Mode: handling a {Type} envelope failed")]
    private partial void LogEnvelopeFailed(string? type, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket Mode: the connection closed before a {Type} envelope was acknowledged")]
    private partial void LogAckLost(string? type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket Mode: a command's reply was not ready in time for its ack; it follows as an ephemeral message")]
    private partial void LogReplyLate();

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket Mode connected")]
    private partial void LogConnected();

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket Mode: Slack asked to disconnect ({Reason})")]
    private partial void LogDisconnect(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket Mode: ignored a frame that is not JSON")]
    private partial void LogUnreadable();
}
