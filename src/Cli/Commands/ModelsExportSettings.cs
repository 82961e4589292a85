using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Commands;

/// <summary>The options of <c>models export</c>.</summary>
internal sealed class ModelsExportSettings : ModelSettings
{
    [CommandOption("--scorecard <FILE>")]
    [Description("Where to write the scorecard: CSV if the name ends in .csv, else JSON (logistic regression only).")]
    public string? Scorecard { get; init; }

    [CommandOption("--model-card <FILE>")]
    [Description("Where to write the model card: Markdown if the name ends in .md, else JSON.")]
    public string? ModelCard { get; init; }

    [CommandOption("--threshold <P>")]
    [Description("The probability of default from which an applicant is declined, as the bank's CreditPredictorOptions:Threshold. Default: 0.5.")]
    [DefaultValue(0.5)]
    public double Threshold { get; init; } = 0.5;

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Scorecard) && string.IsNullOrWhiteSpace(ModelCard))
        {
            return ValidationResult.Error("Give --scorecard, --model-card or both: the files to export to.");
        }

        return Threshold is > 0 and < 1 ? base.Validate() : ValidationResult.Error($"--threshold must be between 0 and 1 (exclusive); got {Threshold}.");
    }
}
