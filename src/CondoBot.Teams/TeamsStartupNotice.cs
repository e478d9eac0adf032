using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Teams;

/// <summary>Says at start that Teams is on, and loudly when unauthenticated requests are accepted.</summary>
public sealed partial class TeamsStartupNotice(IOptions<TeamsOptions> options, ILogger<TeamsStartupNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        LogEnabled(TeamsEndpoints.Path, o.AppId, o.Issuers.ToString());
        if (o.AllowAnonymousRequests) LogAnonymousAllowed();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Teams front door on at {Path} for app {AppId}, accepting tokens from {Issuers}")]
    private partial void LogEnabled(string path, string appId, string issuers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams__AllowAnonymousRequests is on: requests to /api/messages without an Authorization header are accepted, so anyone who can reach this service can act as any Teams user. Use it only for local development.")]
    private partial void LogAnonymousAllowed();
}
