namespace CondoBot.Bench;

/// <summary>What one bench run shares: the repository, the jobs it made on the cluster, and what to undo at the end.</summary>
internal sealed class Bench(string repo) : IDisposable
{
    public string Repo { get; } = repo;

    /// <summary>Slurm jobs the bench's sessions ran; cancelled at the end whatever happened, so the shared node is freed.</summary>
    public HashSet<long> Jobs { get; } = [];

    public List<Action> Cleanup { get; } = [];

    /// <summary>One signed slash command to the service; answers the ephemeral reply's text (as JSON-escaped text).</summary>
    public static async Task<string> CommandAsync(ChildProcess app, string user, string text)
    {
        using var request = SignedCommands.Post("/slack/commands", user, text);
        using var response = await app.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"`{text}` answered {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("text").GetString() ?? "";
    }

    public void Dispose()
    {
        LocalClusterFacts.Cancel(Jobs);
        foreach (var undo in Enumerable.Reverse(Cleanup))
        {
            try
            {
                undo();
            }
            catch (IOException)
            {
                // A temporary folder still in use by a process that is exiting: left for the OS to clear.
            }
        }
    }
}
