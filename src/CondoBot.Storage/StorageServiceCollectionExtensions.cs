using CondoBot.Core.Audit;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CondoBot.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Stores sessions, the notice outbox, delegated keys, chat state and the audit trail in the SQLite file at <paramref name="databasePath"/>.
    /// The host must also register an <see cref="ISecretProtector"/>; the outbox will not store notices in the clear.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string databasePath, SqliteDurability durability = SqliteDurability.Full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxSignal>();
        services.AddSingleton(_ => new SqliteDatabase(databasePath, durability));
        services.AddSingleton<SqliteNoticeOutbox>();
        services.AddSingleton<INoticeOutbox>(provider => provider.GetRequiredService<SqliteNoticeOutbox>());
        services.AddSingleton<SqliteStepHandOver>();
        services.AddSingleton<IStepHandOver>(provider => provider.GetRequiredService<SqliteStepHandOver>());
        services.AddSingleton<ISessionStore, SqliteSessionStore>();
        services.AddSingleton<ISubmissionClaims, SqliteSubmissionClaims>();
        services.AddSingleton<IDelegatedKeyStore, SqliteDelegatedKeyStore>();
        services.AddSingleton<IChatStateStore, SqliteChatStateStore>();
        services.AddSingleton<IAuditLog, SqliteAuditLog>();
        return services;
    }
}
