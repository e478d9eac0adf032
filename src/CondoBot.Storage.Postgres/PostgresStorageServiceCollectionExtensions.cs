using CondoBot.Core.Audit;
using CondoBot.Core.Identity;
using CondoBot.Core.Notices;
using CondoBot.Core.Sessions;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CondoBot.Storage.Postgres;

public static class PostgresStorageServiceCollectionExtensions
{
    /// <summary>
    /// Stores sessions, the notice outbox, delegated keys, chat state, the audit trail and the Data Protection key ring in PostgreSQL.
    /// The host must also register an <see cref="ISecretProtector"/>; the outbox will not store notices in the clear.
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString, PostgresOutboxOptions outbox)
    {
        // An empty connection string is reported by the host's start-up check, by setting name; the database refuses it
        // too, should anything resolve it first.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxSignal>();
        services.AddSingleton(_ => new PostgresDatabase(connectionString));
        services.AddSingleton(outbox);
        services.AddSingleton<PostgresNoticeOutbox>();
        services.AddSingleton<INoticeOutbox>(provider => provider.GetRequiredService<PostgresNoticeOutbox>());
        services.AddSingleton<PostgresStepHandOver>();
        services.AddSingleton<IStepHandOver>(provider => provider.GetRequiredService<PostgresStepHandOver>());
        services.AddSingleton<ISessionStore, PostgresSessionStore>();
        services.AddSingleton<ISubmissionClaims, PostgresSubmissionClaims>();
        services.AddSingleton<IDelegatedKeyStore, PostgresDelegatedKeyStore>();
        services.AddSingleton<IChatStateStore, PostgresChatStateStore>();
        services.AddSingleton<IAuditLog, PostgresAuditLog>();
        services.AddSingleton<PostgresXmlRepository>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = provider.GetRequiredService<PostgresXmlRepository>()));
        return services;
    }
}
