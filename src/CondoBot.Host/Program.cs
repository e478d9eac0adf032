using CondoBot.Host;
using CondoBot.Terminal;
using Microsoft.Extensions.Logging.Console;

// `console` runs the console front door on stdin/stdout; anything else runs the web service.
if (args.Length > 0 && args[0] == "console")
{
    var console = Host.CreateApplicationBuilder(args[1..]);
    console.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    console.Services.AddCondoBot(console.Configuration);
    console.Services.AddConsoleFrontDoor(console.Configuration, TerminalIo.Standard());
    await console.Build().RunAsync();
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddCondoBot(builder.Configuration);

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok"));
await app.RunAsync();

/// <summary>The entry point, visible to the host tests' WebApplicationFactory.</summary>
public partial class Program;
