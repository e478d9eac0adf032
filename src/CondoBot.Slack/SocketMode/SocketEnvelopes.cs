using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using CondoBot.Slack.Inbound;
using CondoBot.Slack.Messages;
using Microsoft.Extensions.Logging;

namespace CondoBot.Slack.SocketMode;

/// <summary>
/// Serves one Socket Mode connection: every envelope is acknowledged within Slack's 3 seconds. A slash command's ack
/// carries its ephemeral reply; a click is acknowledged first and then handled like one over HTTP. The socket is
/// authenticated by the app token, so there is no request signature here.
/// </summary>
internal sealed partial class SocketEnvelopes(
    SlashCommandHandler commands, ButtonClickHandler clicks, FormSubmissions forms, SlackEvents events, ILogger<SocketEnvelopes> logger)
{
    public async Task<SocketEnd> ServeAsync(SocketChannel socket, CancellationToken cancellationToken)
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
                    return reason == "link_disabled" ? SocketEnd.LinkDisabled : SocketEnd.Refresh;
                default:
                    if (message.Text("envelope_id") is { } envelopeId) await ServeEnvelopeAsync(socket, envelopeId, message, cancellationToken);
                    break;
            }
        }

        return SocketEnd.Dead;
    }

    private async Task ServeEnvelopeAsync(SocketChannel socket, string envelopeId, JsonElement envelope, CancellationToken cancellationToken)
    {
        try
        {
            await HandleAsync(socket, envelopeId, envelope, cancellationToken);
        }
        catch (Exception ex) when (ex is not (WebSocketException or OperationCanceledException))
        {
            // One request that fails (a bug, a locked database) must not take the connection down for everyone; over
            // HTTP it would have been a 500. Slack shows the person that the command failed if no ack arrives.
            LogEnvelopeFailed(envelope.Text("type"), ex);
        }
    }

    private async Task HandleAsync(SocketChannel socket, string envelopeId, JsonElement envelope, CancellationToken cancellationToken)
    {
        var payload = envelope.Child("payload");
        var ack = new JsonObject { ["envelope_id"] = envelopeId };
        switch (envelope.Text("type"))
        {
            case "slash_commands" when SlashCommand.FromJson(payload) is { } command:
                var retry = envelope.TryGetProperty("retry_attempt", out var attempt) && attempt.ValueKind == JsonValueKind.Number ? attempt.ToString() : null;
                var reply = await commands.HandleAsync(command, retry, cancellationToken);
                ack["payload"] = reply.Ephemeral();
                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                break;
            case "interactive" when ViewSubmission.FromPayload(payload) is { } submission:
                if (await forms.SubmitAsync(submission, cancellationToken) is { } response) ack["payload"] = response;
                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                break;
            case "interactive" when ButtonClick.FromPayload(payload) is { } click:
                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                await clicks.HandleAsync(click, cancellationToken);
                break;
            case "events_api":
                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                events.Handle(payload);
                break;
            default:
                // Events and interactions the bot does not use are acknowledged so Slack does not redeliver them.
                await socket.SendAsync(ack.ToJsonString(), cancellationToken);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Socket Mode: handling a {Type} envelope failed")]
    private partial void LogEnvelopeFailed(string? type, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket Mode connected")]
    private partial void LogConnected();

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket Mode: Slack asked to disconnect ({Reason})")]
    private partial void LogDisconnect(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket Mode: ignored a frame that is not JSON")]
    private partial void LogUnreadable();
}
