using System.Text.Json;
using CondoBot.Core.Clusters;
using CondoBot.Teams.Activities;

namespace CondoBot.Teams.Tests;

/// <summary>The start form's submitted values, read into the <c>start</c> command they spell or into per-field messages.</summary>
public sealed class StartFormReadTests
{
    private static readonly ClusterCatalog Clusters = new(
    [
        new ClusterProfile { Name = "local", LoginHost = "127.0.0.1", HostKeySha256 = "SHA256:" + new string('A', 43) },
        new ClusterProfile { Name = "legacy", LoginHost = "127.0.0.1", HostKeySha256 = "SHA256:" + new string('A', 43) },
    ], "local");

    private static StartForm.Submission Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return StartForm.Read(document.RootElement, Clusters);
    }

    [Fact]
    public void AFilledInForm_SpellsTheStartCommand_LeavingEmptyFieldsToTheDefaults()
    {
        var read = Read("""{"command":"startForm","cluster":"legacy","account":"cnms","partition":"","walltime":" 90 ","nodes":"2","gpus":"","keepAlive":"true"}""");

        Assert.Empty(read.Errors);
        Assert.Equal("start --cluster legacy -A cnms -t 90 -n 2 --keep-alive", read.CommandText);
    }

    [Theory]
    [InlineData("account", "cnms --gpus 16", "Account: `cnms --gpus 16` has a space in it")]
    [InlineData("account", "--keep-alive", "Account: `--keep-alive` is not a Slurm account name")]
    [InlineData("nodes", "0", "Nodes: `0` is not a node count: use a whole number from 1 to 64.")]
    [InlineData("gpus", "17", "GPUs per node: `17` is not a GPU count: use a whole number from 0 to 16.")]
    [InlineData("partition", "a;b", "Partition: `a;b` is not a Slurm partition name")]
    [InlineData("cluster", "Elsewhere", "Cluster: there is no cluster named `Elsewhere`; choose one of local, legacy.")]
    public void AValueTheTypedCommandWouldRefuse_IsRefusedInItsField_AndNoCommandIsMade(string field, string value, string message)
    {
        var read = Read(JsonSerializer.Serialize(new Dictionary<string, string> { ["command"] = "startForm", [field] = value }));

        Assert.Null(read.CommandText);
        Assert.StartsWith(message, Assert.Single(read.Errors).Value, StringComparison.Ordinal);
        Assert.Equal(field, read.Errors.Single().Key);
        Assert.Equal(value.Trim(), read.Values[field]);
    }

    [Fact]
    public void NumbersSentAsJsonNumbers_AreReadLikeTyped()
    {
        Assert.Equal("start -n 3 --gpus 1", Read("""{"command":"startForm","nodes":3,"gpus":1}""").CommandText);
    }

    [Theory]
    [InlineData("start", true)]
    [InlineData(" /condo START ", true)]
    [InlineData("start -A cnms", false)]
    [InlineData("status", false)]
    [InlineData("", false)]
    public void OnlyStartWithNothingAfterIt_IsABareStart(string text, bool bare) => Assert.Equal(bare, StartForm.IsBareStart(text));
}
