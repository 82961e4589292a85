namespace PrivateFl.ClientSdk.Internal;

/// <summary>
/// The model families the SDK can train: a new family is a <see cref="CreditModel"/> subclass, a
/// <see cref="CreditModelKind"/> value (and its wire value, specs/proto common.proto <c>ModelKind</c>) and one line here.
/// </summary>
internal static class ModelRegistry
{
    private static readonly Dictionary<CreditModelKind, Func<FeatureSchema, ModelSpecification, CreditModel>> Factories = new()
    {
        [CreditModelKind.LogisticRegression] = (schema, _) => new LogisticRegressionModel(schema),
        [CreditModelKind.MultilayerPerceptron] = (schema, specification) => new MultilayerPerceptronModel(schema, specification),
    };

    public static bool IsRegistered(CreditModelKind kind) => Factories.ContainsKey(kind);

    public static CreditModel Create(FeatureSchema schema, ModelSpecification specification) =>
        Factories.TryGetValue(specification.Kind, out Func<FeatureSchema, ModelSpecification, CreditModel>? factory)
            ? factory(schema, specification)
            : throw new ArgumentException($"The model kind {specification.Kind} is not registered.", nameof(specification));
}
