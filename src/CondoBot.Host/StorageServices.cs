using CondoBot.Host.KeyRing;
using CondoBot.Storage;
using CondoBot.Storage.Postgres;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace CondoBot.Host;

/// <summary>
/// Picks the storage provider (<c>Storage__Provider</c>): SQLite files in the data folder for one instance (the
/// default), or one PostgreSQL database (<c>ConnectionStrings__CondoBot</c>) shared by several replicas, holding
/// Hangfire, every store and the Data Protection key ring, so that any replica can run any step and unseal any key.
/// </summary>
public static class StorageServices
{
    public static IServiceCollection AddCondoBotStorage(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.PostConfigure<StorageOptions>(o => o.ConnectionString = configuration.GetConnectionString("CondoBot"));
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        var protection = services.AddDataProtection().SetApplicationName("CondoBot");
        protection.AddKeyRingProtection(configuration, IsPostgres(configuration) ? "the database (condobot.data_protection_keys)" : Path.Combine(dataDirectory, "keyring"));
        if (IsPostgres(configuration))
        {
            services.AddPostgresStorage(
                configuration.GetConnectionString("CondoBot") ?? "",
                new PostgresOutboxOptions { Lease = configuration.GetValue("Storage:OutboxLease", TimeSpan.FromMinutes(2)) });
            services.AddSingleton<IStorageProbe>(sp => new PostgresProbe(sp.GetRequiredService<PostgresDatabase>()));
        }
        else
        {
            protection.PersistKeysToFileSystem(CondoBotServices.PrivateDirectory(Path.Combine(dataDirectory, "keyring")));
            services.AddSqliteStorage(Path.Combine(dataDirectory, "condobot.db"), StorageOptions.DurabilityOf(configuration["Storage:SqliteDurability"]) ?? SqliteDurability.Full);
            services.AddSingleton<IStorageProbe>(sp => new SqliteProbe(sp.GetRequiredService<SqliteDatabase>()));
        }

        return services;
    }

    /// <summary>Hangfire's storage, beside the bot's own.</summary>
    public static IGlobalConfiguration UseCondoBotJobStorage(this IGlobalConfiguration hangfire, IConfiguration configuration, string dataDirectory)
    {
        // A step killed mid-run is picked up again after this; it must exceed the longest step (two SSH timeouts), or
        // a slow step would run twice at once.
        var invisibility = configuration.GetValue("Jobs:InvisibilityTimeout", TimeSpan.FromMinutes(5));
        // Steps are short (one SSH round-trip), so a second's latency matters more than the polling cost.
        var poll = TimeSpan.FromSeconds(1);
        if (IsPostgres(configuration))
        {
            return hangfire.UsePostgreSqlStorage(
                o => o.UseNpgsqlConnection(configuration.GetConnectionString("CondoBot")),
                new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    PrepareSchemaIfNecessary = true,
                    QueuePollInterval = poll,
                    InvisibilityTimeout = invisibility,
                    // A replica killed while holding one of Hangfire's locks (the scheduler's, a job's state lock)
                    // leaves its row behind; the others wait this long before taking it over. The default, ten
                    // minutes, stalls every scheduled step (polls, reminders) of the surviving replicas for that
                    // long. Hangfire holds these locks for a few short statements, so half a minute is ample.
                    DistributedLockTimeout = TimeSpan.FromSeconds(30),
                });
        }

        return hangfire.UseSQLiteStorage(Path.Combine(dataDirectory, "hangfire.db"), new SQLiteStorageOptions
        {
            QueuePollInterval = poll,
            InvisibilityTimeout = invisibility,
        });
    }

    private static bool IsPostgres(IConfiguration configuration) =>
        string.Equals(configuration["Storage:Provider"], StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase);

    private sealed class PostgresProbe(PostgresDatabase database) : IStorageProbe
    {
        public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => database.IsReachableAsync(cancellationToken);
    }

    private sealed class SqliteProbe(SqliteDatabase database) : IStorageProbe
    {
        public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(database.IsReachable());
    }
}

/// <summary>Whether the bot's database answers; for <c>/readyz</c>.</summary>
public interface IStorageProbe
{
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}

/// <summary>Names a bad storage setting the way operators set it.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!string.Equals(options.Provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase) && !options.IsPostgres)
        {
            return ValidateOptionsResult.Fail($"Storage__Provider must be {StorageOptions.Sqlite} or {StorageOptions.Postgres}, not '{options.Provider}'.");
        }

        if (StorageOptions.DurabilityOf(options.SqliteDurability) is null)
        {
            return ValidateOptionsResult.Fail($"Storage__SqliteDurability must be {nameof(SqliteDurability.Full)} or {nameof(SqliteDurability.Normal)}, not '{options.SqliteDurability}'.");
        }

        if (options.IsPostgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("Storage__Provider is Postgres, so ConnectionStrings__CondoBot must be set (Host=...;Database=...;Username=...;Password=...).");
        }

        return ValidateOptionsResult.Success;
    }
}
