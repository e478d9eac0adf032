using System.Threading.Channels;
using CondoBot.Slack.Messages;
using CondoBot.Slack.WebApi;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CondoBot.Slack.Notifying;

/// <summary>
/// Answers to button clicks, shown only to the person who clicked (<c>chat.postEphemeral</c>), sent after the click
/// has been acknowledged. They are held in memory on purpose: the click's effect (a stop, a resend) is already durable
/// in the core, and its status message says how it went; a confirmation lost to a restart costs nobody anything.
/// </summary>
internal sealed partial class EphemeralReplies(SlackApi api, ILogger<EphemeralReplies> logger) : BackgroundService
{
    private readonly Channel<(string Channel, string User, SlackMessage Message)> _queue =
        Channel.CreateBounded<(string, string, SlackMessage)>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });

    public void Post(string channel, string user, string text) => Post(channel, user, SlackMessage.Plain(text));

    public void Post(string channel, string user, SlackMessage message) => _queue.Writer.TryWrite((channel, user, message));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (channel, user, message) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            var sent = await api.PostEphemeralAsync(channel, user, message, stoppingToken);
            if (!sent.Ok) LogNotSent(sent.Error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A reply to a button click was not shown: {Error}")]
    private partial void LogNotSent(string? error);
}
