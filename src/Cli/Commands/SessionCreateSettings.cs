using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace PrivateFl.Cli.Commands;

/// <summary>
/// The options of <c>session create</c>. Every default is the one the demo (src/Simulation) uses, so a session created
/// with none but the schema trains as the demo's does; the training plan's defaults follow the privacy mode and model
/// (the demo's DemoScenario plans).
/// </summary>
internal sealed class SessionCreateSettings : CliSettings
{
    [CommandArgument(0, "[SESSION]")]
    [Description("The session's id (1–64 characters of letters, digits, '.', '_' or '-'). Default: one the server generates.")]
    public string? SessionId { get; init; }

    [CommandOption("--schema <FILE>")]
    [Description("A feature schema file (specs/schema.md), e.g. data/schemas/taiwan-credit.json.")]
    public string? Schema { get; init; }

    [CommandOption("--template <NAME>")]
    [Description("A built-in schema instead of a file: german-credit or taiwan-credit.")]
    public string? Template { get; init; }

    [CommandOption("--model <KIND>")]
    [Description("logistic (the scorecard) or mlp (a multilayer perceptron). Default: logistic.")]
    [DefaultValue("logistic")]
    public string Model { get; init; } = "logistic";

    [CommandOption("--hidden <N>")]
    [Description("Hidden units of the mlp. Default: 32 for taiwan-credit, else 16.")]
    public int? Hidden { get; init; }

    [CommandOption("--rounds <N>")]
    [Description("Rounds the session runs. Default: 10.")]
    [DefaultValue(10)]
    public int Rounds { get; init; } = 10;

    [CommandOption("--banks <N>")]
    [Description("The most banks in a round (maximum_clients), at least 3. Default: 10.")]
    [DefaultValue(10)]
    public int Banks { get; init; } = 10;

    [CommandOption("--min-banks <N>")]
    [Description("The fewest banks that open a round (minimum_clients), at least 3. Default: --banks.")]
    public int? MinimumBanks { get; init; }

    [CommandOption("--dp <MODE>")]
    [Description("record (record-level DP-SGD), client (client-level DP) or none. Default: record.")]
    [DefaultValue("record")]
    public string DpMode { get; init; } = "record";

    [CommandOption("--epsilon <E>")]
    [Description("The session's ε budget. Default: 1.")]
    [DefaultValue(1.0)]
    public double Epsilon { get; init; } = 1;

    [CommandOption("--delta <D>")]
    [Description("δ. Default: 1e-5 for record-level DP, 1/(10 × banks) for client-level DP.")]
    public double? Delta { get; init; }

    [CommandOption("--noise-multiplier <S>")]
    [Description("σ; 0 lets the server calibrate it from the budget. Default: 0.")]
    [DefaultValue(0.0)]
    public double NoiseMultiplier { get; init; }

    [CommandOption("--secagg <MODE>")]
    [Description("semi-honest or active. Default: semi-honest.")]
    [DefaultValue("semi-honest")]
    public string SecAgg { get; init; } = "semi-honest";

    [CommandOption("--graph <KIND>")]
    [Description("harary (SecAgg+) or complete; active mode needs complete. Default: harary (complete with --secagg active).")]
    public string? Graph { get; init; }

    [CommandOption("--dropout-rate <F>")]
    [Description("The dropout rate the secure-aggregation threshold withstands, in [[0, 1). Default: 0.1.")]
    [DefaultValue(0.1)]
    public double DropoutRate { get; init; } = 0.1;

    [CommandOption("--corrupted-fraction <F>")]
    [Description("The fraction of colluding banks the threshold withstands, in [[0, 1). Default: 0.")]
    [DefaultValue(0.0)]
    public double CorruptedFraction { get; init; }

    [CommandOption("--batch-size <N>")]
    [Description("The public cap on rows a bank uses per round. Default: the demo's, its training rows over the banks (750 for german-credit, 22,500 for taiwan-credit); required for other schemas.")]
    public int? BatchSize { get; init; }

    [CommandOption("--local-epochs <N>")]
    [Description("Local epochs per round. Default: 1 (record-level), 20 (client-level).")]
    public int? LocalEpochs { get; init; }

    [CommandOption("--learning-rate <R>")]
    [Description("Local learning rate. Default: 1 (record-level), 0.5 (client-level).")]
    public double? LearningRate { get; init; }

    [CommandOption("--l2 <R>")]
    [Description("L2 regularisation. Default: 0 (record-level), 0.001 (client-level).")]
    public double? L2 { get; init; }

    [CommandOption("--clip-norm <C>")]
    [Description("Clipping norm. Default: 1 (record-level; 3 for a Taiwan mlp), 2 (client-level).")]
    public double? ClipNorm { get; init; }

    [CommandOption("--quantization-scale <S>")]
    [Description("Quantization units per unit of the update. Default: 4096.")]
    public double? QuantizationScale { get; init; }

    [CommandOption("--server-learning-rate <R>")]
    [Description("The server's step on the aggregate. Default: 3 (record-level; 2 for a Taiwan mlp), 1 (client-level).")]
    public double? ServerLearningRate { get; init; }

    [CommandOption("--sampling-rate <Q>")]
    [Description("Poisson sampling rate of each bank's rows, in (0, 1]]. Default: 1.")]
    public double? SamplingRate { get; init; }

    [CommandOption("--cohort-size <N>")]
    [Description("The most banks in one cohort, each a secure round of its own (specs/protocol.md §3). Default: --banks (one cohort).")]
    public int? CohortSize { get; init; }

    [CommandOption("--min-cohort-size <N>")]
    [Description("The fewest banks one cohort may have; banks refuse smaller cohorts. Default: --min-banks.")]
    public int? MinimumCohortSize { get; init; }

    [CommandOption("--min-cohorts <N>")]
    [Description("The fewest surviving cohorts whose sums a round may release. Default: 1.")]
    public int? MinimumCohorts { get; init; }

    public override ValidationResult Validate()
    {
        string? problem = (string.IsNullOrWhiteSpace(Schema), string.IsNullOrWhiteSpace(Template)) switch
        {
            (true, true) => "Give the schema: --schema <FILE> or --template german-credit|taiwan-credit.",
            (false, false) => "Give --schema or --template, not both.",
            _ => null,
        };
        problem ??= Template is null or "german-credit" or "taiwan-credit" ? null : $"--template must be german-credit or taiwan-credit; got '{Template}'.";
        problem ??= Model is "logistic" or "mlp" ? null : $"--model must be logistic or mlp; got '{Model}'.";
        problem ??= Hidden is null or (>= 1 and <= 1024) ? null : $"--hidden must be 1 to 1024; got {Hidden}.";
        problem ??= Rounds is >= 1 and <= 100_000 ? null : $"--rounds must be 1 to 100000; got {Rounds}.";
        problem ??= Banks is >= 3 and <= 100_000 ? null : $"--banks must be 3 to 100000 (secure aggregation of fewer than 3 banks reveals inputs); got {Banks}.";
        problem ??= MinimumBanks is null || (MinimumBanks >= 3 && MinimumBanks <= Banks) ? null : $"--min-banks must be 3 to --banks ({Banks}); got {MinimumBanks}.";
        problem ??= DpMode is "record" or "client" or "none" ? null : $"--dp must be record, client or none; got '{DpMode}'.";
        problem ??= double.IsFinite(Epsilon) && Epsilon > 0 ? null : string.Create(CultureInfo.InvariantCulture, $"--epsilon must be positive; got {Epsilon}.");
        problem ??= SecAgg is "semi-honest" or "active" ? null : $"--secagg must be semi-honest or active; got '{SecAgg}'.";
        problem ??= Graph is null or "harary" or "complete" ? null : $"--graph must be harary or complete; got '{Graph}'.";
        problem ??= DropoutRate is >= 0 and < 1 ? null : string.Create(CultureInfo.InvariantCulture, $"--dropout-rate must be in [0, 1); got {DropoutRate}.");
        problem ??= CorruptedFraction is >= 0 and < 1 ? null : string.Create(CultureInfo.InvariantCulture, $"--corrupted-fraction must be in [0, 1); got {CorruptedFraction}.");
        problem ??= BatchSize is null or (>= 1 and <= 10_000_000) ? null : $"--batch-size must be 1 to 10000000; got {BatchSize}.";
        problem ??= CohortSize is null or (>= 3 and <= 100_000) ? null : $"--cohort-size must be 3 to 100000; got {CohortSize}.";
        problem ??= MinimumCohortSize is null or (>= 3 and <= 100_000) ? null : $"--min-cohort-size must be 3 to 100000; got {MinimumCohortSize}.";
        problem ??= MinimumCohorts is null or (>= 1 and <= 100_000) ? null : $"--min-cohorts must be 1 to 100000; got {MinimumCohorts}.";
        return problem is null ? base.Validate() : ValidationResult.Error(problem);
    }
}
