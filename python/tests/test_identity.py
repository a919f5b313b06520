"""Call identity as the reference computes it (ported from Flink Agents' test_durable_execution)."""

import pytest

from durable_run_host.identity import args_digest, function_id, validate_reconciler


def top_level(x: int) -> int:
    return x


class Sample:
    def instance_method(self) -> int:
        return 1

    @staticmethod
    def static_method() -> int:
        return 2

    @classmethod
    def class_method(cls) -> int:
        return 3


def test_a_function_id_names_the_module_and_the_function():
    fid = function_id(top_level)
    assert fid.endswith(".top_level")
    assert "test_identity" in fid


def test_a_lambda_id_contains_lambda():
    assert "<lambda>" in function_id(lambda: 1)


def test_method_ids_contain_the_class_and_method_but_not_the_receiver():
    assert "Sample.instance_method" in function_id(Sample().instance_method)
    assert function_id(Sample().instance_method) == function_id(Sample().instance_method)
    assert "static_method" in function_id(Sample.static_method)
    assert "class_method" in function_id(Sample.class_method)


def test_the_same_args_give_the_same_digest_and_others_differ():
    assert args_digest((1, "a"), {}) == args_digest((1, "a"), {})
    assert args_digest((1, "a"), {}) != args_digest((2, "a"), {})


def test_a_digest_is_16_hex_characters_even_for_no_args():
    digest = args_digest((), {})
    assert len(digest) == 16
    int(digest, 16)


def test_nested_args_give_a_stable_digest():
    args = ({"a": [1, 2, {"b": (3, 4)}]}, [5.5, None])
    assert args_digest(args, {"k": {"x": 1}}) == args_digest(args, {"k": {"x": 1}})


def test_order_and_keyword_passing_change_the_digest():
    assert args_digest((1, 2), {}) != args_digest((2, 1), {})
    assert args_digest((1,), {"y": 2}) != args_digest((1, 2), {})


def test_args_that_do_not_pickle_fall_back_to_their_str():
    class Unpicklable:
        def __reduce__(self) -> None:
            raise TypeError("no")

        def __repr__(self) -> str:
            return "U"

    assert len(args_digest((Unpicklable(),), {})) == 16


def test_a_reconciler_may_be_none_or_a_zero_argument_callable():
    assert validate_reconciler(None) is None
    fn = lambda: 1  # noqa: E731
    assert validate_reconciler(fn) is fn
    bound = Sample().instance_method
    assert validate_reconciler(bound) is bound


def test_a_reconciler_that_is_not_callable_or_takes_arguments_is_refused():
    with pytest.raises(TypeError, match="reconciler must be callable"):
        validate_reconciler(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="reconciler must be a callable that takes no arguments"):
        validate_reconciler(lambda x: x)  # type: ignore[arg-type]
