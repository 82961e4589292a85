using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PrivateFl.Cli.Internal;

/// <summary>
/// Writes a command's result: a table for people, or with <c>--format json</c> exactly one JSON document on standard
/// output. Protocol messages use the standard protobuf JSON mapping (lowerCamelCase names, 64-bit integers as strings,
/// enum names), and the CLI's own fields follow the same casing.
/// </summary>
internal sealed class Output
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly CliEnvironment _environment;
    private readonly IAnsiConsole _console;

    public Output(CliEnvironment environment)
    {
        _environment = environment;
        _console = CreateConsole(environment);
    }

    /// <summary>The console tables and help are written to: plain text unless standard output is a terminal.</summary>
    public static IAnsiConsole CreateConsole(CliEnvironment environment)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Output),
            Ansi = environment.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        // Piped output is not cut at 80 columns.
        if (!environment.IsTerminal)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    /// <summary>A protocol message as a JSON node.</summary>
    public static JsonNode ToNode(IMessage message) => JsonNode.Parse(Formatter.Format(message))!;

    /// <summary>Writes the one JSON document.</summary>
    public void Json(JsonNode document) => _environment.Output.WriteLine(document.ToJsonString(Indented));

    /// <summary>Writes something for people.</summary>
    public void Write(IRenderable renderable) => _console.Write(renderable);

    /// <summary>Writes a line for people (markup escaped).</summary>
    public void Line(string text) => _console.WriteLine(text);

    /// <summary>A two-column table of names and values.</summary>
    public static Table Properties(IEnumerable<(string Name, string Value)> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Property").AddColumn("Value");
        foreach ((string name, string value) in rows)
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        return table;
    }

    /// <summary>A table with the given columns and rows (cells escaped).</summary>
    public static Table Rows(IEnumerable<string> columns, IEnumerable<IEnumerable<string>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (string column in columns)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (IEnumerable<string> row in rows)
        {
            table.AddRow([.. row.Select(Markup.Escape)]);
        }

        return table;
    }

    /// <summary>A Unix time in milliseconds as UTC text; "-" for none.</summary>
    public static string Time(long unixMs) => unixMs <= 0 ? "-" : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A number for people.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
