using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>
/// Scores credit applicants locally with a trained model: probability of default, decision, scorecard points
/// and the reasons that cost the most points. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The schema's columns must be among the nine attributes of <see cref="CreditApplicant"/> (the built-in
/// <see cref="CreditSchemas.GermanCredit"/> uses all nine). Applicants are validated with the same rules as
/// <see cref="DatasetLoader"/>: numbers inside the declared range, categories from the vocabulary (or an alias);
/// an absent categorical value takes the column's <see cref="FeatureColumn.MissingAs"/> category when it declares
/// one, and is refused otherwise.
/// </remarks>
public sealed class CreditPredictor
{
    private readonly double[] _weights;
    private readonly double _threshold;
    private readonly int _reasonCount;
    private readonly bool _allowUnknownCategories;
    private readonly Scorecard _scorecard;

    /// <summary>Creates a predictor.</summary>
    /// <param name="schema">The schema the model was trained over.</param>
    /// <param name="weights">The F + 1 weights, bias first; copied.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="schema"/> or <paramref name="weights"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The schema has a column that <see cref="CreditApplicant"/> does not hold, the weights do not fit the schema
    /// or are not finite, or an option is out of range (the message names it).
    /// </exception>
    public CreditPredictor(FeatureSchema schema, double[] weights, CreditPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(weights);
        var probe = new CreditApplicant();
        string[] unsupported = [.. schema.Columns.Where(c => !probe.TryGetField(c.Name, out _, out _)).Select(c => $"'{c.Name}'")];
        if (unsupported.Length > 0)
        {
            throw new ArgumentException($"The schema '{schema.Name}' has columns that a {nameof(CreditApplicant)} does not hold: {string.Join(", ", unsupported)}.", nameof(schema));
        }

        LogisticRegression.ThrowIfInvalidWeights(weights, schema);
        options ??= new CreditPredictorOptions();
        options.Validate(nameof(options));
        Schema = schema;
        _weights = (double[])weights.Clone();
        _threshold = options.Threshold;
        _reasonCount = options.ReasonCount;
        _allowUnknownCategories = options.AllowUnknownCategories;
        _scorecard = new Scorecard(options.BaseScore, options.BaseOdds, options.PointsToDoubleOdds);
        Scorecard = new CreditScorecard(schema, _weights, options);
    }

    /// <summary>Gets the scorecard of the model: the points that make up every score, and the reference of the reasons.</summary>
    public CreditScorecard Scorecard { get; }

    /// <summary>Gets the schema of the model.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Scores one applicant.</summary>
    /// <param name="applicant">The applicant.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="applicant"/> is <see langword="null"/>.</exception>
    /// <exception cref="ApplicantValidationException">A field is missing or invalid; <see cref="ApplicantValidationException.Errors"/> lists every bad field.</exception>
    public CreditPrediction Predict(CreditApplicant applicant)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        ParsedValue[] values = Parse(applicant, out Dictionary<string, string[]> errors);
        if (errors.Count > 0)
        {
            throw new ApplicantValidationException(errors);
        }

        FeatureEncoder encoder = Schema.Encoder;
        double[] features = new double[encoder.EncodedLength];
        for (int c = 0; c < values.Length; c++)
        {
            encoder.Encode(c, values[c], features);
        }

        double logOdds = LogisticRegression.LogOdds(_weights, features);
        double probabilityOfDefault = LogisticRegression.Sigmoid(logOdds);
        bool isDefault = probabilityOfDefault >= _threshold;
        return new CreditPrediction(
            probabilityOfDefault,
            LogisticRegression.Sigmoid(-logOdds),
            isDefault ? Schema.PositiveLabel : Schema.NegativeLabel,
            isDefault,
            _scorecard.Score(logOdds),
            Scorecard.Reasons(values, features, _reasonCount));
    }

    /// <summary>Checks an applicant without scoring it.</summary>
    /// <param name="applicant">The applicant.</param>
    /// <returns>The errors of each bad field keyed by <see cref="CreditApplicant"/> member name; empty when the applicant is valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="applicant"/> is <see langword="null"/>.</exception>
    public IReadOnlyDictionary<string, string[]> Validate(CreditApplicant applicant)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        Parse(applicant, out Dictionary<string, string[]> errors);
        return errors;
    }

    private ParsedValue[] Parse(CreditApplicant applicant, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        IReadOnlyList<FeatureColumn> columns = Schema.Columns;
        var values = new ParsedValue[columns.Count];
        for (int c = 0; c < columns.Count; c++)
        {
            applicant.TryGetField(columns[c].Name, out string field, out string? raw);
            if (!Schema.Encoder.TryParse(c, raw, _allowUnknownCategories, out values[c], out string? reason))
            {
                errors[field] = [raw is null ? reason : $"{reason} Got '{Internal.CsvDatasetReader.Excerpt(raw)}'."];
            }
        }

        return values;
    }
}
