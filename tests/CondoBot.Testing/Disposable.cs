namespace CondoBot.Testing;

/// <summary>Runs an action on dispose: clean-up steps kept in a test's list beside the processes it started.</summary>
public sealed class Disposable(Action action) : IDisposable
{
    public void Dispose() => action();
}
