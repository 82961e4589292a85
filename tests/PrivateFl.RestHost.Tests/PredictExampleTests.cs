using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.AspNetCore.Http;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// The request example of <c>/fl_predict</c> is derived from the served schema, so it must pass the host's checks for
/// any schema: as JSON text (as the OpenAPI document carries it) through the request reader, the field mapping and the
/// SDK's applicant validation, with no error and nothing assumed.
/// </summary>
public sealed class PredictExampleTests
{
    private static readonly RestHostOptions Limits = new();

    [Property(MaxTest = 300, Arbitrary = [typeof(PredictExampleTests)])]
    public bool Example_AnySchema_PassesTheHostsChecks(FeatureSchema schema)
    {
        var served = new PredictFields(schema);
        string json = PredictOpenApi.Example(served).ToJsonString();

        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        (Dictionary<string, string?>? fields, _) = RequestFields.ReadAsync(context.Request, Limits, CancellationToken.None).GetAwaiter().GetResult();
        if (fields is null)
        {
            return false;
        }

        (Applicant applicant, Dictionary<string, string[]> errors, List<string> assumptions, _) = served.Parse(fields);
        return errors.Count == 0 && assumptions.Count == 0 && applicant.Validate(schema).Count == 0;
    }

    [Theory]
    [InlineData(-1.7976931348623157E+308, 1.7976931348623157E+308)]
    [InlineData(1e30, 3e30)]
    [InlineData(-5e-324, 5e-324)]
    [InlineData(0, 1)]
    [InlineData(18, 100)]
    public void Example_ExtremeRanges_StayInsideTheRange(double minimum, double maximum)
    {
        var served = new PredictFields(new FeatureSchema("s", 1, [FeatureColumn.Numeric("x", minimum, maximum)], "y", "1", "0"));

        double value = double.Parse(PredictOpenApi.Example(served)["x"]!.ToJsonString(), CultureInfo.InvariantCulture);

        Assert.InRange(value, minimum, maximum);
    }

    /// <summary>Schemas of 1 to 6 columns: numeric with ranges from tiny to the whole double range (some log-scaled or protected), categorical with coded or worded vocabularies, aliases and defaults.</summary>
    public static Arbitrary<FeatureSchema> Schemas()
    {
        Gen<double> bound = Gen.OneOf(
            Gen.Choose(-1000, 1000).Select(i => (double)i),
            Gen.Choose(-300, 300).SelectMany(e => Gen.Choose(-9, 9).Select(m => m * Math.Pow(10, e))),
            Gen.Elements(double.MaxValue, -double.MaxValue, double.Epsilon, -double.Epsilon, 0.1, 1e15 + 1, 9007199254740993.0));
        Gen<FeatureColumn> numeric = bound.SelectMany(a => bound.Select(b => (a, b)))
            .Where(p => p.a != p.b)
            .SelectMany(p => Gen.Elements(NumericTransform.None, NumericTransform.Log).SelectMany(t => Gen.Elements(false, true).Select(protect =>
            {
                FeatureColumn column = FeatureColumn.Numeric("n", Math.Min(p.a, p.b), Math.Max(p.a, p.b), t);
                return protect ? column.AsProtected() : column;
            })));
        Gen<string> word = Gen.Elements("0", "1", "-2", "8", "own", "free", "radio/TV", "a b", "é", "NA", "none", "1.5");
        Gen<FeatureColumn> categorical = Gen.NonEmptyListOf(word).Select(w => w.Distinct(StringComparer.Ordinal).ToArray())
            .SelectMany(vocabulary => Gen.Elements(false, true).SelectMany(withDefault => Gen.Elements(false, true).Select(protect =>
            {
                var aliases = new Dictionary<string, string>(StringComparer.Ordinal) { ["alias-of-first"] = vocabulary[0] };
                FeatureColumn column = FeatureColumn.Categorical("c", vocabulary, aliases, withDefault ? vocabulary[^1] : null);
                return protect ? column.AsProtected() : column;
            })));
        return Arb.From(Gen.Choose(1, 6).SelectMany(count => Gen.ListOf(Gen.OneOf(numeric, categorical)).Select(columns => columns.Take(count).ToList()))
            .Where(columns => columns.Any(column => !column.IsProtected))
            .Select(columns => new FeatureSchema(
                "random",
                1,
                columns.Select((column, i) => Rename(column, $"col{i}")),
                "label",
                "1",
                "0")));
    }

    private static FeatureColumn Rename(FeatureColumn column, string name)
    {
        FeatureColumn renamed = column.Kind == FeatureKind.Numeric
            ? FeatureColumn.Numeric(name, column.Minimum!.Value, column.Maximum!.Value, column.Transform)
            : FeatureColumn.Categorical(name, [.. column.Vocabulary], column.Aliases.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal), column.MissingAs);
        return column.IsProtected ? renamed.AsProtected() : renamed;
    }
}
