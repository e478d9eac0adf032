using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CondoBot.Teams.Tests.Fakes;

/// <summary>An RSA signing key as the Bot Framework publishes them (with <c>kid</c> and <c>endorsements</c>), and tokens signed with it.</summary>
public sealed class TestKey
{
    private readonly RsaSecurityKey _key;

    public TestKey(string kid, params string[] endorsements)
    {
        _key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = kid };
        Kid = kid;
        Endorsements = endorsements;
    }

    public string Kid { get; }

    public IReadOnlyList<string> Endorsements { get; }

    /// <summary>The public half as a JWKS entry.</summary>
    public Dictionary<string, object> Jwk()
    {
        var parameters = _key.Rsa.ExportParameters(false);
        var jwk = new Dictionary<string, object>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = Kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (Endorsements.Count > 0) jwk["endorsements"] = Endorsements;
        return jwk;
    }

    public string Sign(TokenSpec spec) => Mint(spec, new SigningCredentials(_key, SecurityAlgorithms.RsaSha256));

    /// <summary>The same claims with <c>alg: none</c> and no signature.</summary>
    public static string Unsigned(TokenSpec spec) => Mint(spec, null);

    private static string Mint(TokenSpec spec, SigningCredentials? credentials)
    {
        var claims = new Dictionary<string, object>();
        if (spec.ServiceUrl is not null) claims["serviceurl"] = spec.ServiceUrl;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = spec.Issuer,
            Audience = spec.Audience,
            IssuedAt = spec.Expires.AddMinutes(-60).UtcDateTime,
            NotBefore = spec.Expires.AddMinutes(-60).UtcDateTime,
            Expires = spec.Expires.UtcDateTime,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            SigningCredentials = credentials,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}

/// <summary>What a token claims.</summary>
public sealed record TokenSpec(string Issuer, string Audience, string? ServiceUrl, DateTimeOffset Expires);
