using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Commands;

/// <summary>The options of <c>audit</c>.</summary>
internal sealed class AuditSettings : CliSettings
{
    [CommandOption("--since <TIME>")]
    [Description("The earliest entry listed: an ISO 8601 time (2026-12-01T09:00Z) or Unix milliseconds. Default: the whole log.")]
    public string? Since { get; init; }

    [CommandOption("--limit <N>")]
    [Description("The most entries listed (the latest ones), 1 to 10000. Default: 100.")]
    [DefaultValue(100)]
    public int Limit { get; init; } = 100;

    /// <summary>Gets <see cref="Since"/> in Unix milliseconds; 0 for the whole log.</summary>
    public long SinceUnixMs =>
        string.IsNullOrWhiteSpace(Since) ? 0
        : long.TryParse(Since, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) ? ms
        : DateTimeOffset.Parse(Since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();

    public override ValidationResult Validate()
    {
        if (Limit is < 1 or > 10_000)
        {
            return ValidationResult.Error($"--limit must be 1 to 10000; got {Limit}.");
        }

        if (!string.IsNullOrWhiteSpace(Since)
            && !long.TryParse(Since, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && !DateTimeOffset.TryParse(Since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            return ValidationResult.Error($"--since must be an ISO 8601 time or Unix milliseconds; got '{Since}'.");
        }

        return base.Validate();
    }
}
