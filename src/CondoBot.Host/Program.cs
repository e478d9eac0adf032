using CondoBot.Host;
using CondoBot.Host.Configuration;
using CondoBot.Slack;
using CondoBot.Teams;
using CondoBot.Terminal;

// `console` runs the console front door on stdin/stdout; anything else runs the web service.
IHost host;
if (args.Length > 0 && args[0] == "console")
{
    var console = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args[1..], ContentRootPath = AppContext.BaseDirectory });
    if (await Refused(SettingsSchema.Failures(console.Configuration))) return 2;
    console.Logging.AddCondoBotConsole(console.Configuration, allToStandardError: true);
    if (console.Configuration["Terminal:LogFile"] is { Length: > 0 } logFile)
    {
        // The screen is the conversation; the service's log goes to the file the console names once at start.
        console.Logging.ClearProviders();
        console.Logging.AddProvider(new FileLoggerProvider(logFile, TimeProvider.System));
    }

    console.Services.AddCondoBot(console.Configuration);
    console.Services.AddConsoleFrontDoor(console.Configuration, TerminalIo.Standard());
    host = console.Build();
}
else
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    if (await Refused(SettingsSchema.Failures(builder.Configuration))) return 2;
    builder.Logging.AddCondoBotConsole(builder.Configuration, allToStandardError: false);
    builder.Services.AddCondoBot(builder.Configuration);
    builder.Services.AddCondoBotHealth();
    builder.Services.AddSlackFrontDoor(builder.Configuration);
    builder.Services.AddTeamsFrontDoor(builder.Configuration);
    var app = builder.Build();
    app.MapCondoBotHealth();
    app.MapSlackFrontDoor();
    app.MapTeams();
    app.MapCondoBotMetrics();
    app.MapCondoBotAdmin(builder.Configuration);
    host = app;
}

if (await Refused(SettingsCheck.Failures(host.Services))) return 2;

await host.RunAsync();
return 0;

static async Task<bool> Refused(IReadOnlyList<string> failures)
{
    if (failures.Count == 0) return false;
    await Console.Error.WriteLineAsync("CondoBot cannot start; fix these settings (environment variables or appsettings.json):");
    foreach (var failure in failures) await Console.Error.WriteLineAsync("  - " + failure);
    return true;
}

/// <summary>The entry point, visible to the host tests' WebApplicationFactory.</summary>
public partial class Program;
