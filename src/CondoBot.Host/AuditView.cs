using System.Globalization;
using CondoBot.Core;
using CondoBot.Core.Audit;

namespace CondoBot.Host;

/// <summary>
/// <c>GET /admin/audit</c>: the audit trail as JSON, newest first, for the administrator (the gate in
/// <see cref="AdminEndpoints"/> refuses everyone else before this runs). <c>?user=PLATFORM:ID</c> keeps one person's
/// entries, <c>?limit=N</c> (1 to 1000, default 100) caps the page, and <c>?before=ID</c> pages back: each answer's
/// <c>next</c> is the <c>before</c> of the following page.
/// </summary>
public static class AuditView
{
    public static void MapAuditView(this IEndpointRouteBuilder app) => app.MapGet("/admin/audit", ListAsync);

    private static async Task<IResult> ListAsync(HttpRequest request, IAuditLog audit, CancellationToken cancellationToken)
    {
        if (!TryRead(request.Query, out var query, out var problem)) return Results.BadRequest(new { error = problem });
        var entries = await audit.ListAsync(query, cancellationToken);
        return Results.Json(new
        {
            entries = entries.Select(e => new
            {
                id = e.Id,
                at = e.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                user = e.User.ToString(),
                action = e.Action,
                outcome = e.Outcome.ToString().ToLowerInvariant(),
                login = e.Login?.Value,
                cluster = e.Cluster,
                jobId = e.JobId?.Value,
                session = e.Session?.ToString(),
                detail = e.Detail,
                reason = e.Reason,
            }),
            next = entries.Count == query.Limit ? entries[^1].Id : (long?)null,
        });
    }

    private static bool TryRead(IQueryCollection parameters, out AuditQuery query, out string? problem)
    {
        query = new AuditQuery();
        problem = null;
        if (parameters["user"] is { Count: > 0 } user)
        {
            if (!ChatUserId.TryParse(user, out var id))
            {
                problem = "user must be PLATFORM:ID, e.g. slack:T0123:U0456";
                return false;
            }

            query = query with { User = id };
        }

        if (parameters["limit"] is { Count: > 0 } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > AuditQuery.MaxLimit)
            {
                problem = $"limit must be a number from 1 to {AuditQuery.MaxLimit}";
                return false;
            }

            query = query with { Limit = limit };
        }

        if (parameters["before"] is { Count: > 0 } beforeText)
        {
            if (!long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
            {
                problem = "before must be an entry id";
                return false;
            }

            query = query with { Before = before };
        }

        return true;
    }
}
