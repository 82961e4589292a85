using System.ComponentModel;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Commands;

/// <summary>The options of the commands about one session.</summary>
internal class SessionSettings : CliSettings
{
    [CommandArgument(0, "<SESSION>")]
    [Description("The session's id.")]
    public string SessionId { get; init; } = string.Empty;
}
