#define BOOST_TEST_MODULE dialogue
#include <boost/test/unit_test.hpp>
