using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CondoBot.Host.Configuration;

/// <summary>
/// Checks a settings class's annotations (ranges, patterns, <see cref="IValidatableObject"/> rules) and names each
/// failure the way operators set it (<c>Sessions__PollInterval</c>), with the accepted values.
/// </summary>
public sealed class NamedAnnotationsValidator<T>(string section) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r => Describe(section, r)));
    }

    internal static string Describe(string section, ValidationResult result)
    {
        var member = result.MemberNames.FirstOrDefault();
        var message = result.ErrorMessage ?? "is not accepted.";
        if (member is null) return $"{section}: {message}";
        var key = $"{section}__{member}";
        return message.StartsWith(key, StringComparison.Ordinal) ? message : $"{key}: {message}";
    }
}

public static class NamedAnnotationsValidation
{
    /// <summary>Validates the bound settings at start-up, naming each failure <c>SECTION__SETTING</c>.</summary>
    public static OptionsBuilder<T> ValidateNamed<T>(this OptionsBuilder<T> builder, string section)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new NamedAnnotationsValidator<T>(section));
        return builder.ValidateOnStart();
    }
}
