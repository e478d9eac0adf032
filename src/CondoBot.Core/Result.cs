using System.Diagnostics.CodeAnalysis;

namespace CondoBot.Core;

/// <summary>
/// The outcome of an operation whose failure is expected and explainable to a user (bad input, a rejection by Slurm,
/// a key that is not authorized). Bugs throw instead.
/// </summary>
public readonly record struct Result<T>
{
    private Result(T? value, Problem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Problem problem) => new(default, problem);

    public static implicit operator Result<T>(Problem problem) => Fail(problem);

    public static implicit operator Result<T>(T value) => Ok(value);
}

/// <summary>Why something a user asked for did not happen, in words they can act on.</summary>
public sealed record Problem(ProblemKind Kind, string Message)
{
    public override string ToString() => $"{Kind}: {Message}";
}

public enum ProblemKind
{
    /// <summary>The user's input is not acceptable; nothing was done.</summary>
    BadInput,
    /// <summary>The user has not linked a cluster account or authorized their key.</summary>
    NotAuthorized,
    /// <summary>Slurm refused the request (bad account, walltime over the limit, unknown partition).</summary>
    SlurmRejected,
    /// <summary>The login node could not be reached or its host key did not match: retrying later may help.</summary>
    ClusterUnavailable,
    /// <summary>The login node presented a host key other than the pinned one; nothing was sent to it.</summary>
    HostKeyMismatch,
    /// <summary>The key logs in, but the gate it runs on the login node is missing or of another version; the message says how to update it.</summary>
    GateOutdated,
    /// <summary>The thing asked for does not exist for this user.</summary>
    NotFound,
}
