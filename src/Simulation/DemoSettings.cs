using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Simulation;

/// <summary>The demo's options; every one has a default, so the demo runs with none.</summary>
internal sealed class DemoSettings : CommandSettings
{
    [CommandOption("--clients <N>")]
    [Description("Number of banks (3 to 50). Default: 10.")]
    [DefaultValue(10)]
    public int Clients { get; init; } = 10;

    [CommandOption("--rounds <N>")]
    [Description("Training rounds (1 to 100). Default: 10.")]
    [DefaultValue(10)]
    public int Rounds { get; init; } = 10;

    [CommandOption("--epsilon <E>")]
    [Description("Total privacy budget ε for the whole training (0.05 to 100), or 'inf' for no DP. Default: 1.")]
    [DefaultValue("1")]
    public string Epsilon { get; init; } = "1";

    [CommandOption("--dropout <F>")]
    [Description("Fraction of banks that drop out in every third round (0 to 0.3). Default: 0.1.")]
    [DefaultValue(0.1)]
    public double Dropout { get; init; } = 0.1;

    [CommandOption("--dp-mode <MODE>")]
    [Description("record (record-level DP, default), client (client-level DP-FedAvg) or none.")]
    [DefaultValue("record")]
    public string DpMode { get; init; } = "record";

    [CommandOption("--dataset <NAME>")]
    [Description("german (German credit, 1,000 applicants, default) or taiwan (UCI default of credit card clients, 30,000).")]
    [DefaultValue("german")]
    public string Dataset { get; init; } = "german";

    [CommandOption("--schema-file <PATH>")]
    [Description("The schema file the session is created from (specs/schema.md). Default: the data set's built-in file, data/schemas/german-credit.json or taiwan-credit.json.")]
    public string? SchemaFile { get; init; }

    [CommandOption("--model <KIND>")]
    [Description("logistic (logistic regression, the scorecard; default) or mlp (a multilayer perceptron, see --hidden).")]
    [DefaultValue("logistic")]
    public string Model { get; init; } = "logistic";

    [CommandOption("--hidden <N>")]
    [Description("Hidden units of the mlp's one tanh layer (1 to 256). Default: 32 for taiwan, 16 for german (the plans chosen for each, docs/benchmarks.md).")]
    public int? Hidden { get; init; }

    [CommandOption("--partition <KIND>")]
    [Description("iid (every bank a stratified random share, default) or non-iid (each bank one band of last month's repayment status for taiwan, of credit amount for german).")]
    [DefaultValue("iid")]
    public string Partition { get; init; } = "iid";

    [CommandOption("--cutoff <P>")]
    [Description("Probability of default from which an applicant is declined, in (0, 1), for the fairness report and the model card. Default: the share of defaults in the training rows, so that applicants riskier than the average are declined.")]
    public double? Cutoff { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the data split and the dropouts. Default: 1.")]
    [DefaultValue(1)]
    public int Seed { get; init; } = 1;

    [CommandOption("--output <DIR>")]
    [Description("Folder for results.json and the chart. Default: ./privatefl-demo-output.")]
    [DefaultValue("privatefl-demo-output")]
    public string Output { get; init; } = "privatefl-demo-output";

    public double EpsilonValue => string.Equals(Epsilon, "inf", StringComparison.OrdinalIgnoreCase)
        ? double.PositiveInfinity
        : double.Parse(Epsilon, CultureInfo.InvariantCulture);

    public override ValidationResult Validate()
    {
        if (Clients is < 3 or > 50)
        {
            return ValidationResult.Error($"--clients must be 3 to 50; got {Clients}.");
        }

        if (Rounds is < 1 or > 100)
        {
            return ValidationResult.Error($"--rounds must be 1 to 100; got {Rounds}.");
        }

        if (!string.Equals(Epsilon, "inf", StringComparison.OrdinalIgnoreCase)
            && (!double.TryParse(Epsilon, NumberStyles.Float, CultureInfo.InvariantCulture, out double epsilon) || epsilon is < 0.05 or > 100))
        {
            return ValidationResult.Error($"--epsilon must be a number from 0.05 to 100, or 'inf'; got '{Epsilon}'.");
        }

        if (Cutoff is { } cutoff && !(cutoff > 0 && cutoff < 1))
        {
            return ValidationResult.Error($"--cutoff must be a probability between 0 and 1 (exclusive); got {cutoff}.");
        }

        if (Dropout is < 0 or > 0.3)
        {
            return ValidationResult.Error($"--dropout must be 0 to 0.3; got {Dropout}.");
        }

        if (Dataset is not ("german" or "taiwan"))
        {
            return ValidationResult.Error($"--dataset must be german or taiwan; got '{Dataset}'.");
        }

        if (Model is not ("logistic" or "mlp"))
        {
            return ValidationResult.Error($"--model must be logistic or mlp; got '{Model}'.");
        }

        if (Hidden is < 1 or > 256)
        {
            return ValidationResult.Error($"--hidden must be 1 to 256; got {Hidden}.");
        }

        if (Partition is not ("iid" or "non-iid"))
        {
            return ValidationResult.Error($"--partition must be iid or non-iid; got '{Partition}'.");
        }

        if (DpMode is not ("record" or "client" or "none"))
        {
            return ValidationResult.Error($"--dp-mode must be record, client or none; got '{DpMode}'.");
        }

        if (DpMode != "none" && double.IsInfinity(EpsilonValue))
        {
            return ValidationResult.Error("--epsilon inf means no differential privacy: use it with --dp-mode none.");
        }

        if (SchemaFile is not null)
        {
            if (!File.Exists(SchemaFile))
            {
                return ValidationResult.Error($"--schema-file '{SchemaFile}' is not an existing file.");
            }

            ClientSdk.FeatureSchema fileSchema;
            try
            {
                fileSchema = ClientSdk.FeatureSchema.FromJson(File.ReadAllText(SchemaFile));
            }
            catch (FormatException ex)
            {
                return ValidationResult.Error($"--schema-file '{SchemaFile}' is not a valid schema file: {ex.Message}");
            }

            // The demo's banks load the --dataset file: a session on another schema would only be refused by every bank.
            ClientSdk.FeatureSchema dataSchema = Dataset == "taiwan" ? ClientSdk.CreditSchemas.TaiwanCredit : ClientSdk.CreditSchemas.GermanCredit;
            if (fileSchema.Hash != dataSchema.Hash)
            {
                return ValidationResult.Error($"--schema-file '{SchemaFile}' is schema {fileSchema}; the --dataset {Dataset} data follows {dataSchema}.");
            }
        }

        return string.IsNullOrWhiteSpace(Output) ? ValidationResult.Error("--output must name a folder.") : ValidationResult.Success();
    }
}
