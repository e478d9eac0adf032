using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;

namespace CondoBot.Host;

/// <summary><c>Admin__...</c>: the administrator's credentials for <c>/hangfire</c> and <c>/admin</c>. No password: those pages are closed.</summary>
public sealed class AdminOptions
{
    public string User { get; set; } = "admin";

    /// <summary>Set through the environment or a secret store only; never in appsettings.json.</summary>
    public string Password { get; set; } = "";
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
        var admin = configuration.GetSection("Admin").Get<AdminOptions>() ?? new AdminOptions();
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase)
                || context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(async (context, next) =>
            {
                if (IsAdministrator(context.Request.Headers.Authorization, admin))
                {
                    await next(context);
                    return;
                }

                LogRefused(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CondoBot.Host.Admin"), context.Request.Path);
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

    private sealed class AdmittedByGate : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => true;
    }
}
