using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace CondoBot.Host;

/// <summary><c>Admin__...</c>: the administrator's credentials for <c>/hangfire</c> and <c>/admin</c>. No password: those pages are closed.</summary>
public sealed partial class AdminOptions : IValidatableObject
{
    public const string Section = "Admin";

    /// <summary>Shorter passwords are refused at start-up: the pages behind them show every user's activity.</summary>
    public const int MinimumPasswordLength = 16;

    public string User { get; set; } = "admin";

    /// <summary>Set through the environment or a secret store only; never in appsettings.json.</summary>
    public string Password { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UserPattern().IsMatch(User))
        {
            yield return new ValidationResult("Admin__User must be 1 to 64 characters without ':', spaces or control characters (HTTP Basic cannot carry them).", [nameof(User)]);
        }

        if (Password.Length > 0 && (Password.Length < MinimumPasswordLength || Password.Any(char.IsControl)))
        {
            yield return new ValidationResult($"Admin__Password must be at least {MinimumPasswordLength} characters without control characters (or unset, which keeps the administrator's pages closed).", [nameof(Password)]);
        }
    }

    [GeneratedRegex(@"^[^:\s\p{C}]{1,64}$")]
    private static partial Regex UserPattern();
}

/// <summary>
/// The administrator's pages, read-only: the Hangfire dashboard at <c>/hangfire</c> and the audit trail at
/// <c>/admin/audit</c>. Every request under either path must carry the configured credentials (HTTP Basic, so use it
/// behind TLS); anything else gets 401 and a login prompt.
/// </summary>
public static partial class AdminEndpoints
{
    public static void MapCondoBotAdmin(this WebApplication app, IConfiguration configuration)
    {
        var admin = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value;
        var throttle = new SignInThrottle();
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase)
                || context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(async (context, next) =>
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CondoBot.Host.Admin");
                var source = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                // Checked before the credentials: while a source is throttled, even the right password gets 429, so
                // guessing gains nothing.
                if (throttle.IsThrottled(source))
                {
                    LogThrottled(logger, context.Request.Path, source);
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = ((int)SignInThrottle.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return;
                }

                if (IsAdministrator(context.Request.Headers.Authorization, admin))
                {
                    await next(context);
                    return;
                }

                // A request with no credentials is a browser asking for the prompt, not a guess.
                if (context.Request.Headers.Authorization.Count > 0) throttle.Failed(source);
                LogRefused(logger, context.Request.Path);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"CondoBot administration\", charset=\"UTF-8\"";
            }));

        // The gate above already admitted only administrators; Hangfire's own default would admit local requests only.
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new AdmittedByGate()],
            IsReadOnlyFunc = _ => true,
            DisplayStorageConnectionString = false,
        });
        app.MapAuditView();
    }

    /// <summary>Compares hashes in constant time, so the comparison leaks neither the password nor its length.</summary>
    internal static bool IsAdministrator(string? authorization, AdminOptions admin)
    {
        if (string.IsNullOrEmpty(admin.Password) || !AuthenticationHeaderValue.TryParse(authorization, out var header)) return false;
        if (!string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null) return false;
        string presented;
        try
        {
            presented = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(admin.User + ":" + admin.Password));
        return CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an unauthenticated request for {Path}")]
    private static partial void LogRefused(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request for {Path} from {Source}: too many failed sign-ins")]
    private static partial void LogThrottled(ILogger logger, string path, string source);

    private sealed class AdmittedByGate : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => true;
    }
}
