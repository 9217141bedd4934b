"""What every test process shares.

The grading sandbox runs students' code on one BLAS thread (``OMP_NUM_THREADS=1`` in
``grading.judge.sandbox``), and the lessons pin one thread too (``course.blas``). The tests that check an
exercise in their own process measure its CPU time against a limit, and on a busy machine numpy's idle
BLAS threads spin and add CPU time that the code did not use (lesson 09's ``train`` showed 9.6 s of CPU
for its 10 s limit at load 30, 0.3 s on one thread). So the test processes use one BLAS thread as well.
"""
from threadpoolctl import threadpool_limits

_ONE_BLAS_THREAD = threadpool_limits(limits=1, user_api="blas")  # kept: the limit lasts as long as the object
