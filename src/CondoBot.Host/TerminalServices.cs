using CondoBot.Core.Notices;
using CondoBot.Terminal;
using CondoBot.Host.Configuration;

namespace CondoBot.Host;

public static class TerminalServices
{
    /// <summary>The console front door, on the given reader and writer.</summary>
    public static IServiceCollection AddConsoleFrontDoor(this IServiceCollection services, IConfiguration configuration, TerminalIo io)
    {
        services.AddOptions<TerminalOptions>().Bind(configuration.GetSection("Terminal")).ValidateNamed("Terminal");
        services.AddSingleton(io);
        services.AddSingleton<INotifier, ConsoleNotifier>();
        services.AddHostedService<ConsoleFrontDoor>();
        return services;
    }
}
