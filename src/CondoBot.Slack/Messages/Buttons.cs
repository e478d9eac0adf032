using System.Text.Json.Nodes;
using CondoBot.Core;

namespace CondoBot.Slack.Messages;

/// <summary>
/// The bot's buttons and the command each one stands for. A button carries only a job id (or nothing): the click is
/// turned into that command from the person who clicked, so the core's own lookup decides whose session it may touch,
/// and a button on a session that has since ended gets the core's plain answer. These action ids are in messages
/// already sent, so they are a contract.
/// </summary>
public static class Buttons
{
    public const string Stop = "condo_stop";
    public const string Outside = "condo_outside";
    public const string SendAgain = "condo_send_again";
    public const string Renew = "condo_renew";
    public const string KeyCheck = "condo_key_check";
    public const string Keep = "condo_keep";

    /// <summary>Opens the start form (App Home's Start); it stands for no command of its own.</summary>
    public const string StartForm = "condo_start_form";

    /// <summary>The command text for a click, or null for an action this bot never sent (or a value it never set).</summary>
    public static string? CommandFor(string actionId, string value)
    {
        if (actionId == KeyCheck) return value == "check" ? "key check" : null;
        if (!SlurmJobId.TryParse(value, out var job)) return null;
        return actionId switch
        {
            Stop => $"stop {job}",
            Outside or SendAgain => $"tunnel {job}",
            Renew => $"renew {job}",
            Keep => $"keep {job} {(long)Core.Sessions.IdleWatch.KeepFor.TotalHours}h",
            _ => null,
        };
    }

    internal static JsonObject StopButton(SlurmJobId job, string label = "Stop") => Block.Button(Stop, label, job.ToString(), "danger",
        Block.Confirm($"Stop job {job}?", "JupyterLab and everything running in it will end.", "Stop it", "Keep it"));

    /// <summary>The idle question's answer: postpones it by <see cref="Core.Sessions.IdleWatch.KeepFor"/>.</summary>
    internal static JsonObject KeepButton(SlurmJobId job) =>
        Block.Button(Keep, $"Keep {(long)Core.Sessions.IdleWatch.KeepFor.TotalHours} h", job.ToString(), "primary");

    internal static JsonObject OutsideButton(SlurmJobId job) => Block.Button(Outside, "Outside the lab network?", job.ToString());

    internal static JsonObject SendAgainButton(SlurmJobId job) => Block.Button(SendAgain, "Send again", job.ToString());

    internal static JsonObject RenewButton(SlurmJobId job) => Block.Button(Renew, "Renew", job.ToString(), "primary");

    internal static JsonObject StartFormButton() => Block.Button(StartForm, "Start JupyterLab", "form", "primary");

    internal static JsonObject KeyCheckButton() => Block.Button(KeyCheck, "Check key", "check", "primary");
}
