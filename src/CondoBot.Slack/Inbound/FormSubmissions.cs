using System.Text.Json.Nodes;
using CondoBot.Core.Clusters;
using CondoBot.Slack.Messages;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// A submitted start form: fields that are wrong are named back in the form (<c>response_action: errors</c>), and
/// nothing changes; otherwise it runs as the typed <c>/condo start ...</c> it stands for, through the slash command's
/// own handler (the same parser, dispatcher and once-per-trigger ledger), and the form shows that command's reply.
/// </summary>
internal sealed class FormSubmissions(SlashCommandHandler commands, ClusterCatalog clusters)
{
    /// <summary>The response to give Slack, or null for a form that is not the bot's (acknowledged and ignored).</summary>
    public async Task<JsonObject?> SubmitAsync(ViewSubmission submission, CancellationToken cancellationToken)
    {
        if (submission.CallbackId != StartForm.CallbackId) return null;
        var (text, errors) = StartForm.Read(submission.Values, clusters);
        if (text is null) return StartFormHandler.Errors(errors);
        var typed = new SlashCommand(submission.TeamId, submission.UserId, text, submission.TriggerId);
        return StartFormHandler.Update(await commands.ReplyTextAsync(typed, null, cancellationToken));
    }
}
