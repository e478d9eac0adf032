using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// Reads an HTTP request from Slack: the raw body (bounded), its signature checked before anything in it is parsed,
/// then the form. Anything wrong ends here with the answer to send, and nothing else happens.
/// </summary>
internal sealed partial class SignedRequest(IOptions<SlackOptions> options, TimeProvider time, ILogger<SignedRequest> logger)
{
    /// <summary>Slash commands and button payloads are a few KiB; anything near this is not from Slack.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task<Inbound> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (refused, body) = await VerifyAsync(request, cancellationToken);
        if (refused is not null) return refused;

        var form = ParseForm(request.ContentType, body!);
        if (form is null) return Refuse(StatusCodes.Status400BadRequest, "malformed form");
        if (form.GetValueOrDefault("ssl_check") == "1") return new Inbound(Results.Ok(), null);
        return new Inbound(null, form);
    }

    /// <summary>An Events API request: signed like the others, with a JSON body (a well-formed UTF-8 object).</summary>
    public async Task<(IResult? Answer, System.Text.Json.JsonDocument? Json)> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (refused, body) = await VerifyAsync(request, cancellationToken);
        if (refused is not null) return (refused.Answer, null);
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (Refuse(StatusCodes.Status400BadRequest, "not JSON").Answer, null);
        }

        try
        {
            var json = System.Text.Json.JsonDocument.Parse(StrictUtf8.GetString(body!));
            if (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object) return (null, json);
            json.Dispose();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or DecoderFallbackException)
        {
        }

        return (Refuse(StatusCodes.Status400BadRequest, "malformed JSON").Answer, null);
    }

    /// <summary>The verified body, or the answer that refuses the request.</summary>
    private async Task<(Inbound? Refused, byte[]? Body)> VerifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) return (Refuse(StatusCodes.Status413PayloadTooLarge, "too large"), null);
        var body = await ReadBoundedAsync(request.Body, cancellationToken);
        if (body is null) return (Refuse(StatusCodes.Status413PayloadTooLarge, "too large"), null);

        var check = SlackSignature.Verify(
            options.Value.SigningSecret,
            request.Headers["X-Slack-Request-Timestamp"],
            request.Headers["X-Slack-Signature"],
            body,
            time.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            // Slack's certificate check is unsigned and asks for nothing but a 200; it changes nothing.
            if (IsSslCheck(request.ContentType, body)) return (new Inbound(Results.Ok(), null), null);
            LogRefused(request.Path, check);
            return (Refuse(StatusCodes.Status401Unauthorized, "invalid request signature"), null);
        }

        return (null, body);
    }

    /// <summary>The body, or null when it is over <see cref="MaxBodyBytes"/> (a missing or lying Content-Length).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool IsSslCheck(string? contentType, byte[] body) =>
        body.Length < 512 && ParseForm(contentType, body)?.GetValueOrDefault("ssl_check") == "1";

    /// <summary>The form's fields, or null when it is not a well-formed UTF-8 form with each field once.</summary>
    private static Dictionary<string, string>? ParseForm(string? contentType, byte[] body)
    {
        if (contentType is null || !contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)) return null;
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in QueryHelpers.ParseQuery(text))
        {
            if (values.Count != 1) return null;
            fields[key] = values[0] ?? "";
        }

        return fields;
    }

    private static Inbound Refuse(int status, string why) => new(Results.Text(why, statusCode: status), null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to {Path}: signature {Check}")]
    private partial void LogRefused(PathString path, SignatureCheck check);
}

/// <summary>Either the answer to send at once (<see cref="Answer"/>), or the verified form.</summary>
internal sealed record Inbound(IResult? Answer, IReadOnlyDictionary<string, string>? Form);
