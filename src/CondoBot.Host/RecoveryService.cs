using CondoBot.Core.Sessions;

namespace CondoBot.Host;

/// <summary>Resumes every unfinished session once the service has started (see <see cref="SessionRecovery"/>).</summary>
public sealed class RecoveryService(SessionRecovery recovery) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => recovery.RunAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
