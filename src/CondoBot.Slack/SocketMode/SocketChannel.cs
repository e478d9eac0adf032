using System.Net.WebSockets;
using System.Text;

namespace CondoBot.Slack.SocketMode;

/// <summary>
/// Whole text frames over one WebSocket: Slack's frames are JSON documents, some split across fragments. One reader
/// (the read loop) and any number of senders: a WebSocket takes one send at a time, so sends wait their turn here.
/// </summary>
internal sealed class SocketChannel(WebSocket socket) : IDisposable
{
    /// <summary>Envelopes carry one slash command or click; a frame far larger is refused rather than buffered.</summary>
    public const int MaxFrameBytes = 1024 * 1024;

    private readonly SemaphoreSlim _sending = new(1, 1);

    /// <summary>The next text frame, or null once the socket has closed.</summary>
    public async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(chunk, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Write(chunk, 0, result.Count);
            if (buffer.Length > MaxFrameBytes) throw new WebSocketException(WebSocketError.Faulted, "frame too large");
            if (result.EndOfMessage) return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }

    public async Task SendAsync(string json, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    public void Dispose() => _sending.Dispose();
}
