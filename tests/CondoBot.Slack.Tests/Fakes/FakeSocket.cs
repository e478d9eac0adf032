using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace CondoBot.Slack.Tests.Fakes;

/// <summary>The server end of one Socket Mode connection, driven by a test: send frames, read the bot's acks.</summary>
public sealed class FakeSocket(WebSocket socket, int number)
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Number { get; } = number;

    internal Task Finished => _finished.Task;

    public Task SendAsync(JsonObject frame) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task HelloAsync() => SendAsync(new JsonObject { ["type"] = "hello", ["num_connections"] = 1 });

    public Task DisconnectAsync(string reason) => SendAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = reason });

    /// <summary>The bot's next frame, or null when it closed the connection.</summary>
    public async Task<JsonObject?> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                _finished.TrySetResult();
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return JsonNode.Parse(message.ToArray())!.AsObject();
        }
    }

    /// <summary>Drops the connection without a goodbye, as a network failure would.</summary>
    public void Abort()
    {
        socket.Abort();
        _finished.TrySetResult();
    }

    internal void Release() => _finished.TrySetResult();
}
