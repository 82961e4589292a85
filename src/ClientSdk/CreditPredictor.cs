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
/// <para>The score is the points-to-double-the-odds scaling of the model's log-odds z (<see cref="CreditPredictorOptions"/>),
/// score = offset − factor · z, for every model kind. Reasons are measured against the best attainable value of each
/// column (the "maximum points" method of adverse-action notices): points lost by a column = factor · (z(x) − the lowest
/// z reachable by changing that column alone), searched over its categories (the unknown bucket too when
/// <see cref="CreditPredictorOptions.AllowUnknownCategories"/> is set) or over <see cref="NumericSearchPoints"/> evenly
/// spaced points of a numeric column's scaled declared range. The columns that lost the most points are listed, largest
/// first; an applicant at the best value of every column has none. For logistic regression this is exactly the
/// scorecard's reason code, factor · (the column's part Σ wᵢxᵢ of z − the smallest part any of its values gives), since
/// the search includes both ends of a numeric range; for a multilayer perceptron it is the same counterfactual for this
/// applicant with the other columns held fixed, and the points of several reasons need not add up.</para>
/// </remarks>
public sealed class CreditPredictor
{
    /// <summary>
    /// The number of evenly spaced points of a numeric column's scaled range [−1, 1] (both ends included) searched for the
    /// column's best attainable value when reasons are computed: 33.
    /// </summary>
    /// <remarks>Logistic regression is linear in a numeric feature, so its best value is at an end and the search is exact.</remarks>
    public const int NumericSearchPoints = 33;

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
        Scorecard = model.Specification.Kind == CreditModelKind.LogisticRegression ? new CreditScorecard(model.Schema, _weights, options) : null;
    }

    /// <summary>
    /// Gets the scorecard of the model: the points that make up every score, and the reference of the reasons;
    /// <see langword="null"/> for a model that is not logistic regression, whose score is not a sum of points per attribute.
    /// </summary>
    public CreditScorecard? Scorecard { get; }

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
            Scorecard is { } card ? card.Reasons(values, features, _reasonCount) : Reasons(values, features, logOdds, scratch));
    }

    private PredictionReason[] Reasons(ParsedValue[] values, double[] features, double logOdds, double[] scratch)
    {
        if (_reasonCount == 0)
        {
            return [];
        }

        IReadOnlyList<FeatureColumn> columns = Schema.Columns;
        var lost = new List<(int Column, double Points)>();
        for (int c = 0; c < columns.Count; c++)
        {
            // A protected column has no features: the model cannot read it, so it is never a reason.
            if (columns[c].EncodedLength == 0)
            {
                continue;
            }

            double points = _scorecard.PointsLost(logOdds - LowestLogOdds(c, features, logOdds, scratch));
            if (points > 0)
            {
                lost.Add((c, points));
            }
        }

        return PredictionReason.Top(lost, _reasonCount, columns, values);
    }

    /// <summary>
    /// The lowest log-odds of default this applicant could reach by changing column <paramref name="column"/> alone: over
    /// its categories (and the unknown bucket when it can be scored), or over <see cref="NumericSearchPoints"/> evenly
    /// spaced points of a numeric column's scaled range, both ends included; never above the applicant's own.
    /// </summary>
    private double LowestLogOdds(int column, double[] features, double logOdds, double[] scratch)
    {
        FeatureColumn definition = Schema.Columns[column];
        int offset = Schema.Encoder.OffsetOf(column);
        int length = definition.EncodedLength;
        double[] saved = features[offset..(offset + length)];
        double lowest = logOdds;
        if (definition.Kind == FeatureKind.Numeric)
        {
            for (int k = 0; k < NumericSearchPoints; k++)
            {
                features[offset] = -1 + (2.0 * k / (NumericSearchPoints - 1));
                lowest = Math.Min(lowest, _model.LogOdds(_weights, features, scratch));
            }
        }
        else
        {
            int categories = definition.Vocabulary.Count + (_allowUnknownCategories ? 1 : 0);
            for (int k = 0; k < categories; k++)
            {
                Array.Clear(features, offset, length);
                features[offset + k] = 1;
                lowest = Math.Min(lowest, _model.LogOdds(_weights, features, scratch));
            }
        }

        saved.CopyTo(features, offset);
        return lowest;
    }
}
