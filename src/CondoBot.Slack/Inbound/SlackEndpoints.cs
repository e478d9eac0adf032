using System.Text.Json;
using CondoBot.Slack.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CondoBot.Slack.Inbound;

/// <summary>
/// <c>POST /slack/commands</c> and <c>POST /slack/interactivity</c>. Each verifies the signature on the raw body before
/// reading it, does the request's small durable part, and answers at once.
/// </summary>
public static class SlackEndpoints
{
    /// <summary>Maps the endpoints when the Slack front door is configured; does nothing otherwise.</summary>
    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<SignedRequest>() is null) return endpoints;
        var slack = endpoints.MapGroup("/slack");
        slack.MapPost("/commands", CommandAsync);
        slack.MapPost("/interactivity", InteractivityAsync);
        slack.MapPost("/events", EventsAsync);
        return endpoints;
    }

    private static async Task<IResult> CommandAsync(HttpContext http, SignedRequest signed, SlashCommandHandler handler)
    {
        var inbound = await signed.ReadAsync(http.Request, http.RequestAborted);
        if (inbound.Answer is { } answer) return answer;
        var command = SlashCommand.FromForm(inbound.Form!);
        if (command is null) return Results.Text("malformed slash command", statusCode: StatusCodes.Status400BadRequest);

        var reply = await handler.HandleAsync(command, http.Request.Headers["X-Slack-Retry-Num"], http.RequestAborted);
        return Results.Json(reply.Ephemeral());
    }

    /// <summary>Answers Slack's <c>url_verification</c> with its challenge; records what an event asks, then acknowledges it.</summary>
    private static async Task<IResult> EventsAsync(HttpContext http, SignedRequest signed, SlackEvents events)
    {
        var (answer, json) = await signed.ReadJsonAsync(http.Request, http.RequestAborted);
        if (answer is not null) return answer;
        using (json)
        {
            var payload = json!.RootElement;
            if (payload.Text("type") == "url_verification")
            {
                return payload.Text("challenge") is { Length: > 0 and <= 200 } challenge
                    ? Results.Json(new { challenge })
                    : Results.Text("malformed url_verification", statusCode: StatusCodes.Status400BadRequest);
            }

            await events.HandleAsync(payload, http.RequestAborted);
            return Results.Ok();
        }
    }

    private static async Task<IResult> InteractivityAsync(HttpContext http, SignedRequest signed, ButtonClickHandler handler, FormSubmissions forms)
    {
        var inbound = await signed.ReadAsync(http.Request, http.RequestAborted);
        if (inbound.Answer is { } answer) return answer;
        ButtonClick? click;
        ViewSubmission? submission;
        try
        {
            using var payload = JsonDocument.Parse(inbound.Form!.GetValueOrDefault("payload") ?? "");
            click = ButtonClick.FromPayload(payload.RootElement);
            submission = ViewSubmission.FromPayload(payload.RootElement);
        }
        catch (JsonException)
        {
            return Results.Text("malformed payload", statusCode: StatusCodes.Status400BadRequest);
        }

        if (submission is not null && await forms.SubmitAsync(submission, http.RequestAborted) is { } response)
        {
            return Results.Text(response.ToJsonString(), "application/json; charset=utf-8");
        }

        // Other interactions (shortcuts, other forms) are not the bot's: acknowledged and ignored.
        if (click is not null) await handler.HandleAsync(click, http.RequestAborted);
        return Results.Ok();
    }
}
