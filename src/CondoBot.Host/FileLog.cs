using System.Globalization;
using System.Text;

namespace CondoBot.Host;

/// <summary>
/// The service's log as plain lines in one file (<c>Terminal__LogFile</c>), so the console front door's screen holds
/// only the conversation. Each entry is written and flushed whole, so the file can be followed with <c>tail -f</c>.
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    public FileLoggerProvider(string path, TimeProvider time)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        // Owner-only: the log names users, logins and jobs.
        var stream = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
        _time = time;
        FilePath = full;
    }

    public string FilePath { get; }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_gate) _writer.Dispose();
    }

    private void Write(LogLevel level, string category, EventId id, string message, Exception? exception)
    {
        var line = new StringBuilder()
            .Append(_time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
            .Append(' ').Append(Level(level)).Append(' ').Append(category);
        if (id.Id != 0) line.Append('[').Append(id.Id.ToString(CultureInfo.InvariantCulture)).Append(']');
        line.Append(": ").Append(message);
        if (exception is not null) line.Append('\n').Append(exception);
        lock (_gate)
        {
            try
            {
                _writer.WriteLine(line.ToString());
            }
            catch (ObjectDisposedException)
            {
                // A last entry logged while the host shuts down, after the provider was disposed: nowhere to write it.
            }
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
        }
    }
}
