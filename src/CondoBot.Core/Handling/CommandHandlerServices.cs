using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CondoBot.Core.Handling;

public static class CommandHandlerServices
{
    /// <summary>
    /// Registers the dispatcher and every command handler in the core (each class that implements
    /// <see cref="ICommandHandler{TCommand}"/>, once per command it handles), as singletons.
    /// </summary>
    public static IServiceCollection AddCommandHandlers(this IServiceCollection services)
    {
        var handlers = typeof(ICommandHandler<>).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && HandledCommands(t).Any());
        foreach (var handler in handlers)
        {
            services.TryAddSingleton(handler);
            foreach (var contract in HandledCommands(handler))
            {
                services.AddSingleton(contract, sp => sp.GetRequiredService(handler));
            }
        }

        services.TryAddSingleton<CommandDispatcher>();
        return services;
    }

    private static IEnumerable<Type> HandledCommands(Type type) =>
        type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommandHandler<>));
}
