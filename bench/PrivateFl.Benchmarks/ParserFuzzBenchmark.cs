using System.Diagnostics;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using PrivateFl.RestHost.Tests;

namespace PrivateFl.Benchmarks;

/// <summary>
/// The longer run of the REST host's parser fuzzing (tests/PrivateFl.RestHost.Tests/ParserFuzz.cs, compiled in):
/// 10^5 inputs per parser by default. Usage: <c>fuzz-parsers [inputs-per-parser]</c>. Throws on the first falsified input.
/// </summary>
internal static class ParserFuzzBenchmark
{
    public static void Run(string[] args)
    {
        int inputs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        Config config = Config.QuickThrowOnFailure.WithMaxTest(inputs).WithQuietOnSuccess(true);
        Measure("CSV reader (DatasetLoader.LoadCsv, each input read twice)", inputs, () => Prop.ForAll(ParserFuzz.CsvInputs(), ParserFuzz.CsvReaderHolds).Check(config));
        Measure("Request + applicant parsers (RequestFields, ApplicantParser, CreditPredictor)", inputs, () => Prop.ForAll(ParserFuzz.Requests(), ParserFuzz.RequestAndApplicantHold).Check(config));
        Measure("Schema reader (FeatureSchema.FromJson)", inputs, () => Prop.ForAll(ParserFuzz.SchemaDocuments(), ParserFuzz.SchemaReaderHolds).Check(config));
    }

    private static void Measure(string parser, int inputs, Action check)
    {
        var clock = Stopwatch.StartNew();
        check();
        clock.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{parser}: {inputs:N0} inputs, property held, {clock.Elapsed.TotalSeconds:F1} s ({inputs / clock.Elapsed.TotalSeconds:N0} inputs/s)."));
    }
}
