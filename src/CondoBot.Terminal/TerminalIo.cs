namespace CondoBot.Terminal;

/// <summary>Where the console front door reads commands and writes replies; stdin/stdout unless a test says otherwise.</summary>
public sealed class TerminalIo(TextReader input, TextWriter output)
{
    private readonly Lock _gate = new();

    public TextReader Input { get; } = input;

    public static TerminalIo Standard() => new(Console.In, Console.Out);

    /// <summary>Writes a block of lines at once, so a reply and a message never interleave.</summary>
    public void Write(string text)
    {
        lock (_gate)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }
}
