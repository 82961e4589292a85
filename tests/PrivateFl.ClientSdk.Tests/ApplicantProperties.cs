using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>
/// Random applicants against both built-in schemas and both model kinds: garbage names, values and types never
/// throw anything but the documented exceptions, and a valid applicant always scores.
/// </summary>
public sealed class ApplicantProperties
{
    private static readonly FeatureSchema[] Schemas = [CreditSchemas.GermanCredit, CreditSchemas.TaiwanCredit];

    private static readonly CreditPredictor[] Predictors =
    [
        .. Schemas.SelectMany(schema => new[]
        {
            Create(CreditModel.Create(schema, ModelSpecification.LogisticRegression), 1),
            Create(CreditModel.Create(schema, ModelSpecification.MultilayerPerceptron([5, 3], HiddenActivation.Relu, initializationSeed: 2, linearSkip: true)), 2),
            Create(CreditModel.Create(schema, ModelSpecification.MultilayerPerceptron([4], HiddenActivation.Tanh, initializationSeed: 4)), 3, allowUnknown: true),
        }),
    ];

    private static readonly string[] Names =
    [
        .. Schemas.SelectMany(s => s.Columns.Select(c => c.Name)), "Risk", "default", "age", "limit_bal", "Saving_accounts", " Age", "Age ",
        string.Empty, "\0", "\ud800", "é", "😀", new string('n', 300), "PAY_1", "credit",
    ];

    private static readonly string[] Texts =
    [
        string.Empty, " ", "NA", "none", "male", "female", "own", "little", "quite rich", "car", "radio/TV", "0", "1", "2", "3", "4", "8", "-1", "-2",
        "18", "100", "101", "17.999", "20000", "1e7", "1e309", "-0", "NaN", "Infinity", "∞", "\0", "\ud800", "😀", "1,5", " 2 ", "0x10",
        new string('v', 500),
    ];

    public static Arbitrary<KeyValuePair<string, object?>[]> AnyFields() =>
        Arb.From(Gen.ArrayOf(Gen.Elements(Names).SelectMany(name => AnyValue().Select(value => new KeyValuePair<string, object?>(name, value)))));

    [Property(MaxTest = 1000, Arbitrary = [typeof(ApplicantProperties)])]
    public bool Predict_AnyFields_PredictionOrDocumentedExceptionOnly(KeyValuePair<string, object?>[] fields, PositiveInt which)
    {
        CreditPredictor predictor = Predictors[which.Get % Predictors.Length];
        Applicant applicant;
        try
        {
            applicant = new Applicant(fields);
        }
        catch (ArgumentException ex) when (ex.ParamName == "fields" && ex is not ApplicantValidationException)
        {
            // Documented: a name given twice, or a value that is neither text nor a number.
            return fields.Select(f => f.Key).Distinct(StringComparer.Ordinal).Count() < fields.Length
                || fields.Any(f => f.Value is DateTime or bool or object[]);
        }

        IReadOnlyDictionary<string, string[]> problems = predictor.Validate(applicant);
        try
        {
            CreditPrediction prediction = predictor.Predict(applicant);
            return problems.Count == 0 && Sane(prediction);
        }
        catch (ApplicantValidationException ex)
        {
            string[] columns = [.. predictor.Schema.Columns.Select(c => c.Name)];
            return ex.Errors.Count > 0
                && ex.Errors.Keys.Order(StringComparer.Ordinal).SequenceEqual(problems.Keys.Order(StringComparer.Ordinal))
                && ex.Errors.All(e => e.Value.Length > 0 && e.Value.All(m => m.Length is > 0 and < 600)
                    && (columns.Contains(e.Key) || fields.Any(f => f.Key.StartsWith(e.Key.TrimEnd('…'), StringComparison.Ordinal))));
        }
    }

    [Property(MaxTest = 500)]
    public bool Predict_ValidApplicant_AlwaysScores(PositiveInt which, int seed)
    {
        CreditPredictor predictor = Predictors[which.Get % Predictors.Length];
        var random = new Random(seed);
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (FeatureColumn column in predictor.Schema.Columns)
        {
            bool optional = column.IsProtected || column.MissingAs is not null;
            if (optional && random.Next(3) == 0)
            {
                continue;
            }

            fields[column.Name] = column.Kind == FeatureKind.Numeric
                ? random.Next(2) == 0
                    ? (object)(long)Math.Ceiling(column.Minimum!.Value + (random.NextDouble() * (column.Maximum!.Value - column.Minimum!.Value - 1)))
                    : column.Minimum!.Value + (random.NextDouble() * (column.Maximum!.Value - column.Minimum!.Value))
                : random.Next(4) == 0 && column.Aliases.Count > 0
                    ? column.Aliases.Keys.ElementAt(random.Next(column.Aliases.Count))
                    : column.Vocabulary[random.Next(column.Vocabulary.Count)];
        }

        var applicant = new Applicant(fields);
        return predictor.Validate(applicant).Count == 0 && Sane(predictor.Predict(applicant));
    }

    private static bool Sane(CreditPrediction prediction) =>
        prediction.ProbabilityOfDefault is >= 0 and <= 1
        && Math.Abs(prediction.ProbabilityOfDefault + prediction.ProbabilityGood - 1) < 1e-12
        && double.IsFinite(prediction.Score)
        && prediction.Reasons.All(r => r.PointsLost > 0 && double.IsFinite(r.PointsLost));

    private static Gen<object?> AnyValue() => Gen.OneOf(
        Gen.Elements(Texts).Select(t => (object?)t),
        Gen.Choose(-100_000, 100_000).Select(i => (object?)i),
        Gen.Elements(0.5, -0.0, 1e-300, 1e7, 1e7 + 1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.Epsilon).Select(d => (object?)d),
        Gen.Elements<object?>(null, 3L, 2.5f, 12.25m, (byte)2, ulong.MaxValue, true, DateTime.UnixEpoch, new object[] { 1 }),
        Gen.Elements(Texts).SelectMany(a => Gen.Elements(Texts).Select(b => (object?)(a + b))));

    private static CreditPredictor Create(CreditModel model, int seed, bool allowUnknown = false)
    {
        var random = new Random(seed);
        double[] weights = [.. Enumerable.Range(0, model.ParameterCount).Select(_ => (random.NextDouble() * 4) - 2)];
        return new CreditPredictor(model, weights, new CreditPredictorOptions { AllowUnknownCategories = allowUnknown, ReasonCount = 5 });
    }
}
