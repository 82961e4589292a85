using System.ComponentModel;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Commands;

/// <summary>The options of <c>models download</c>.</summary>
internal sealed class ModelsDownloadSettings : ModelSettings
{
    [CommandOption("--out <FILE>")]
    [Description("The JSON file to write. Default: <SESSION>-v<VERSION>.json in the current folder.")]
    public string? Out { get; init; }
}
