using System.Text.Json;
using CondoBot.Teams.Activities;
using CondoBot.Teams.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CondoBot.Teams;

/// <summary><c>POST /api/messages</c>, the Bot Connector's messaging endpoint.</summary>
public static partial class TeamsEndpoints
{
    public const string Path = "/api/messages";

    /// <summary>Activities are small; a larger body is not one, and is refused before it is read.</summary>
    private const long MaxBodyBytes = 256 * 1024;

    /// <summary>Maps the endpoint when Teams is on (<see cref="TeamsServices.AddTeamsFrontDoor"/> registered it).</summary>
    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder endpoints)
    {
        // Asks whether it is registered without building it: building it would read settings before they are checked.
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>()?.IsService(typeof(MessageHandler)) != true) return endpoints;
        endpoints.MapPost(Path, ReceiveAsync);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext http,
        ActivityAuthenticator authenticator,
        MessageHandler handler,
        Microsoft.Extensions.Options.IOptions<TeamsOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TeamsEndpoints));

        // The token is checked before the body is even read: a forged request costs nothing and changes nothing.
        var fromLoopback = http.Connection.RemoteIpAddress is { } remote && System.Net.IPAddress.IsLoopback(remote);
        var check = await authenticator.CheckTokenAsync(http.Request.Headers.Authorization.ToString(), fromLoopback, cancellationToken);
        if (check.Unavailable) return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        if (check.Caller is not { } caller)
        {
            LogRefused(logger, check.Refusal);
            return Results.Unauthorized();
        }

        if (http.Request.ContentLength > MaxBodyBytes) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;

        Activity? activity;
        try
        {
            activity = await JsonSerializer.DeserializeAsync<Activity>(http.Request.Body, ConnectorJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }
        catch (BadHttpRequestException tooLarge)
        {
            return Results.StatusCode(tooLarge.StatusCode);
        }

        if (activity is null) return Results.BadRequest();
        if ((ActivityAuthenticator.CheckBinding(caller, activity) ?? ActivityAuthenticator.CheckChannel(activity, options.Value)) is { } refusal)
        {
            LogRefused(logger, refusal);
            return Results.Unauthorized();
        }

        if (caller.Anonymous) LogAnonymous(logger, activity.From?.AadObjectId);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["TeamsActivity"] = activity.Id });
        // Once accepted, the command runs to the end even if the Connector hangs up: a half-run command would be worse.
        await handler.HandleAsync(activity, signed: !caller.Anonymous, CancellationToken.None);
        return Results.Ok();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to /api/messages: {Reason}")]
    private static partial void LogRefused(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepted an UNAUTHENTICATED activity (Teams__AllowAnonymousRequests is on) claiming to be from {AadObjectId}")]
    private static partial void LogAnonymous(ILogger logger, string? aadObjectId);
}
