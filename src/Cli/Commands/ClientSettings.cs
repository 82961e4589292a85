using System.ComponentModel;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Commands;

/// <summary>The options of <c>revoke</c>: the bank.</summary>
internal class ClientSettings : CliSettings
{
    [CommandArgument(0, "<CLIENT-ID>")]
    [Description("The bank's id: 1–64 characters of letters, digits, '.', '_' or '-'.")]
    public string ClientId { get; init; } = string.Empty;
}
