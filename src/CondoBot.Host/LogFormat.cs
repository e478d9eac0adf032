using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace CondoBot.Host;

/// <summary>
/// <c>Logging__Format</c>: <c>simple</c> (the default: ASP.NET's readable two-line console format) or <c>json</c> (one
/// JSON object per line, with every scope: the request's id and path, the chat user, the session id and job id), for
/// a log collector. Logs go to stdout, or all to stderr when the console front door owns stdout.
/// </summary>
public sealed class LogFormatOptions
{
    public const string Simple = "simple";
    public const string Json = "json";

    public string Format { get; set; } = Simple;

    public bool IsJson => string.Equals(Format, Json, StringComparison.OrdinalIgnoreCase);

    public bool IsKnown => IsJson || string.Equals(Format, Simple, StringComparison.OrdinalIgnoreCase);
}

public static class LogFormat
{
    /// <summary>
    /// The console logger in the configured format. An unknown format logs in the simple one, so that the start-up
    /// check's message naming the setting is readable; the check then stops the service.
    /// </summary>
    public static ILoggingBuilder AddCondoBotConsole(this ILoggingBuilder logging, IConfiguration configuration, bool allToStandardError)
    {
        var options = configuration.GetSection("Logging").Get<LogFormatOptions>() ?? new LogFormatOptions();
        if (options.IsJson)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        if (allToStandardError) logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.Services.AddOptions<LogFormatOptions>().Bind(configuration.GetSection("Logging"));
        logging.Services.AddSingleton<IValidateOptions<LogFormatOptions>, LogFormatValidator>();
        return logging;
    }

    private sealed class LogFormatValidator : IValidateOptions<LogFormatOptions>
    {
        public ValidateOptionsResult Validate(string? name, LogFormatOptions options) => options.IsKnown
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Logging__Format must be {LogFormatOptions.Simple} or {LogFormatOptions.Json}, not '{options.Format}'.");
    }
}
