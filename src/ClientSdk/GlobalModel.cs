namespace PrivateFl.ClientSdk;

/// <summary>A version of a session's global model, as the server released it.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Version">The version; 0 is the initial model.</param>
/// <param name="Weights">[bias, w_1 … w_F].</param>
/// <param name="SchemaHash">The hash of the feature schema the weights belong to.</param>
/// <param name="RoundNumber">The round that produced it.</param>
/// <param name="Contributors">How many clients' updates it contains.</param>
/// <param name="EpsilonSpent">The session's ε when it was released.</param>
/// <param name="Delta">The session's δ.</param>
/// <param name="PrivacyParametersJson">The mechanism parameters it was trained with (JSON).</param>
public sealed record GlobalModel(string SessionId, long Version, IReadOnlyList<double> Weights, string SchemaHash, long RoundNumber, int Contributors, double EpsilonSpent, double Delta, string PrivacyParametersJson)
{
    /// <summary>Creates a local predictor for this model, taken to be logistic regression; the applicant never leaves the caller's process.</summary>
    /// <param name="schema">The schema the model was trained on.</param>
    /// <param name="options">Decision threshold and scorecard scaling.</param>
    /// <returns>The predictor.</returns>
    /// <exception cref="SchemaMismatchException">The schema is not the model's, or the weights are not a logistic regression's over it.</exception>
    public CreditPredictor CreatePredictor(FeatureSchema schema, CreditPredictorOptions? options = null) =>
        CreatePredictor(schema, ModelSpecification.LogisticRegression, options);

    /// <summary>Creates a local predictor for this model; the applicant never leaves the caller's process.</summary>
    /// <param name="schema">The schema the model was trained on.</param>
    /// <param name="model">The session's model (<see cref="TrainingSessionInfo.Model"/>; <see langword="null"/> there means logistic regression).</param>
    /// <param name="options">Decision threshold and scorecard scaling.</param>
    /// <returns>The predictor.</returns>
    /// <exception cref="SchemaMismatchException">The schema is not the model's, or the weights do not fit the model over it.</exception>
    public CreditPredictor CreatePredictor(FeatureSchema schema, ModelSpecification model, CreditPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(model);
        CreditModel creditModel = CreditModel.Create(schema, model);
        if (!string.Equals(schema.Hash, SchemaHash, StringComparison.Ordinal) || creditModel.ParameterCount != Weights.Count)
        {
            throw new SchemaMismatchException($"Model version {Version} of session '{SessionId}' belongs to schema {SchemaHash} and has {Weights.Count} weights; the given schema is {schema} and a {model} over it has {creditModel.ParameterCount}.");
        }

        return new CreditPredictor(creditModel, [.. Weights], options);
    }
}
