using PrivateFl.ClientSdk.Internal;

namespace PrivateFl.ClientSdk;

/// <summary>
/// Scores applicants of any schema locally with a trained model of any kind: probability of default, decision,
/// scorecard points and the reasons that cost the most points. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para>Applicants are validated with the same rules as <see cref="DatasetLoader"/> (see <see cref="Applicant"/>):
/// numbers inside the declared range, categories from the vocabulary (or an alias); an absent categorical value takes
/// the column's <see cref="FeatureColumn.MissingAs"/> category when it declares one and is refused otherwise; a
/// protected column may be absent; a field that is not a column is refused. Every bad field is reported at once.</para>
/// <para>The score is the points-to-double-the-odds scaling of the model's log-odds (<see cref="CreditPredictorOptions"/>),
/// for every model kind. A reason is a column whose value raised the log-odds of default above what the reference
/// encoding of that column gives (all its features 0: a numeric value at the middle of its declared range, a
/// categorical column with no category), measured by putting that one column at the reference and keeping the others:
/// points lost = factor · (z(x) − z(x with the column at the reference)). For logistic regression this is exactly the
/// column's scorecard term factor · Σ wᵢxᵢ, and score = offset − factor·w₀ − Σ terms; for a multilayer perceptron it
/// is a one-column-at-a-time (occlusion) attribution: it shows what moved this applicant's score, but the points of
/// several reasons do not add up to the score.</para>
/// </remarks>
public sealed class CreditPredictor
{
    private readonly CreditModel _model;
    private readonly double[] _weights;
    private readonly double _threshold;
    private readonly int _reasonCount;
    private readonly bool _allowUnknownCategories;
    private readonly Scorecard _scorecard;

    /// <summary>Creates a predictor for a logistic-regression model (the scorecard).</summary>
    /// <param name="schema">The schema the model was trained over.</param>
    /// <param name="weights">The F + 1 weights, bias first; copied.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="schema"/> or <paramref name="weights"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the schema or are not finite, or an option is out of range (the message names it).</exception>
    public CreditPredictor(FeatureSchema schema, double[] weights, CreditPredictorOptions? options = null)
        : this(CreditModel.Create(schema ?? throw new ArgumentNullException(nameof(schema)), ModelSpecification.LogisticRegression), weights, options)
    {
    }

    /// <summary>Creates a predictor for a model of any kind.</summary>
    /// <param name="model">The model (its schema and specification), as <see cref="CreditModel.Create"/> gives it.</param>
    /// <param name="weights">The model's <see cref="CreditModel.ParameterCount"/> weights; copied.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults; read once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="weights"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the model or are not finite, or an option is out of range (the message names it).</exception>
    public CreditPredictor(CreditModel model, double[] weights, CreditPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Length != model.ParameterCount)
        {
            throw new ArgumentException($"The {model.Specification} over schema '{model.Schema.Name}' v{model.Schema.Version} has {model.ParameterCount} weights; got {weights.Length}.", nameof(weights));
        }

        if (!weights.All(double.IsFinite))
        {
            throw new ArgumentException("Every weight must be finite.", nameof(weights));
        }

        options ??= new CreditPredictorOptions();
        options.Validate(nameof(options));
        _model = model;
        _weights = (double[])weights.Clone();
        _threshold = options.Threshold;
        _reasonCount = options.ReasonCount;
        _allowUnknownCategories = options.AllowUnknownCategories;
        _scorecard = new Scorecard(options.BaseScore, options.BaseOdds, options.PointsToDoubleOdds);
    }

    /// <summary>Gets the schema of the model.</summary>
    public FeatureSchema Schema => _model.Schema;

    /// <summary>Gets the model's kind and hyperparameters.</summary>
    public ModelSpecification Model => _model.Specification;

    /// <summary>Scores one applicant.</summary>
    /// <param name="applicant">The applicant, keyed by column name.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="applicant"/> is <see langword="null"/>.</exception>
    /// <exception cref="ApplicantValidationException">A field is unknown, missing or invalid; <see cref="ApplicantValidationException.Errors"/> lists every bad field, keyed by column name.</exception>
    public CreditPrediction Predict(Applicant applicant)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        ParsedValue[] values = ApplicantReader.Read(Schema, applicant.Fields, _allowUnknownCategories, out Dictionary<string, string[]> errors);
        return errors.Count > 0 ? throw new ApplicantValidationException(errors) : Score(values);
    }

    /// <summary>Scores one applicant of the German credit data.</summary>
    /// <param name="applicant">The applicant.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="applicant"/> is <see langword="null"/>.</exception>
    /// <exception cref="ApplicantValidationException">A field is missing or invalid; <see cref="ApplicantValidationException.Errors"/> lists every bad field, keyed by <see cref="CreditApplicant"/> member name.</exception>
    public CreditPrediction Predict(CreditApplicant applicant)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        ParsedValue[] values = ApplicantReader.Read(Schema, applicant.ToApplicant().Fields, _allowUnknownCategories, out Dictionary<string, string[]> errors);
        return errors.Count > 0 ? throw new ApplicantValidationException(ByMember(errors)) : Score(values);
    }

    /// <summary>Checks an applicant without scoring it.</summary>
    /// <param name="applicant">The applicant, keyed by column name.</param>
    /// <returns>The problems of each bad field keyed by column name (or by the given name, for a field that is not a column); empty when the applicant is valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="applicant"/> is <see langword="null"/>.</exception>
    public IReadOnlyDictionary<string, string[]> Validate(Applicant applicant)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        return applicant.Validate(Schema, _allowUnknownCategories);
    }

    /// <summary>Checks an applicant of the German credit data without scoring it.</summary>
    /// <param name="applicant">The applicant.</param>
    /// <returns>The errors of each bad field keyed by <see cref="CreditApplicant"/> member name; empty when the applicant is valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="applicant"/> is <see langword="null"/>.</exception>
    public IReadOnlyDictionary<string, string[]> Validate(CreditApplicant applicant)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        return ByMember(applicant.ToApplicant().Validate(Schema, _allowUnknownCategories));
    }

    private static Dictionary<string, string[]> ByMember(IReadOnlyDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => CreditApplicant.MemberOf(e.Key), e => e.Value, StringComparer.Ordinal);

    private CreditPrediction Score(ParsedValue[] values)
    {
        FeatureEncoder encoder = Schema.Encoder;
        double[] features = new double[encoder.EncodedLength];
        for (int c = 0; c < values.Length; c++)
        {
            encoder.Encode(c, values[c], features);
        }

        double[] scratch = _model.CreateScratch();
        double logOdds = _model.LogOdds(_weights, features, scratch);
        double probabilityOfDefault = LogisticRegression.Sigmoid(logOdds);
        bool isDefault = probabilityOfDefault >= _threshold;
        return new CreditPrediction(
            probabilityOfDefault,
            LogisticRegression.Sigmoid(-logOdds),
            isDefault ? Schema.PositiveLabel : Schema.NegativeLabel,
            isDefault,
            _scorecard.Score(logOdds),
            Reasons(values, features, logOdds, scratch));
    }

    private PredictionReason[] Reasons(ParsedValue[] values, double[] features, double logOdds, double[] scratch)
    {
        if (_reasonCount == 0)
        {
            return [];
        }

        IReadOnlyList<FeatureColumn> columns = Schema.Columns;
        bool linear = Model.Kind == CreditModelKind.LogisticRegression;
        var pushes = new List<(int Column, double Contribution)>();
        for (int c = 0; c < columns.Count; c++)
        {
            int offset = Schema.Encoder.OffsetOf(c);
            int length = columns[c].EncodedLength;
            if (length == 0)
            {
                continue;
            }

            double contribution;
            if (linear)
            {
                // The scorecard term itself, exact: z(x) − z(x with the column at 0) = Σ wᵢxᵢ over its features.
                contribution = 0;
                for (int j = offset; j < offset + length; j++)
                {
                    contribution += _weights[j + 1] * features[j];
                }
            }
            else
            {
                double[] saved = features[offset..(offset + length)];
                Array.Clear(features, offset, length);
                contribution = logOdds - _model.LogOdds(_weights, features, scratch);
                saved.CopyTo(features, offset);
            }

            if (contribution > 0)
            {
                pushes.Add((c, contribution));
            }
        }

        return
        [
            .. pushes
                .OrderByDescending(p => p.Contribution)
                .ThenBy(p => p.Column)
                .Take(_reasonCount)
                .Select(p => new PredictionReason(columns[p.Column].Name, values[p.Column].Display, _scorecard.PointsLost(p.Contribution))),
        ];
    }
}
